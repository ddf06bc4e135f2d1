package io.ringmaster.coordinator.auth;

import java.util.Locale;

/**
 * What a client token may do. Roles are ordered: each one may do what the ones before it may.
 *
 * <table>
 *   <caption>roles</caption>
 *   <tr><th>role</th><th>may</th></tr>
 *   <tr><td>{@link #READ}</td><td>get, list and watch its tenant's jobs; list and describe its datasets;
 *       download its models</td></tr>
 *   <tr><td>{@link #SUBMIT}</td><td>also submit, cancel and delete its tenant's jobs; push and delete
 *       datasets</td></tr>
 *   <tr><td>{@link #ADMIN}</td><td>all of it, for every tenant's jobs and datasets</td></tr>
 * </table>
 */
public enum Role {
  READ,
  SUBMIT,
  ADMIN;

  /** Whether a caller with this role may do what {@code needed} allows. */
  public boolean allows(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role named {@code text} (read, submit, admin; any case), or null. */
  public static Role parse(String text) {
    if (text == null) {
      return null;
    }
    for (Role r : values()) {
      if (r.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
        return r;
      }
    }
    return null;
  }

  /** Its name as written in a tokens file. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
