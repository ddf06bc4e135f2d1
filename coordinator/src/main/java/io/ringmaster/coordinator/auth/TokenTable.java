package io.ringmaster.coordinator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client tokens a coordinator accepts, each bound to a tenant and a {@link Role}, and the tenants'
 * quotas. Only the SHA-256 of each token is held: a token is checked by hashing what the client sent and
 * comparing it, in constant time ({@link MessageDigest#isEqual}), with every entry (no early exit), so
 * neither the comparison nor the lookup tells an attacker how much of a guess was right.
 */
public final class TokenTable implements TokenSource {
  /** One accepted token: its name (for audit records and logs), tenant, role and the SHA-256 of its bytes. */
  public record Entry(String name, String tenant, Role role, byte[] sha256) {
    public Entry {
      if (sha256.length != 32) {
        throw new IllegalArgumentException("a token hash is 32 bytes, got " + sha256.length);
      }
      sha256 = sha256.clone();
    }

    @Override
    public String toString() {
      return name + " (tenant " + tenant + ", " + role.id() + ")"; // never the hash
    }
  }

  private final List<Entry> entries;
  private final Map<String, TenantQuota> quotas;

  public TokenTable(List<Entry> entries, Map<String, TenantQuota> quotas) {
    this.entries = List.copyOf(entries);
    this.quotas = Map.copyOf(quotas);
  }

  /** The entry whose token is {@code presented}, comparing against every entry in constant time. */
  public Optional<Entry> authenticate(String presented) {
    byte[] hash = sha256(presented);
    Entry found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.sha256(), hash) && found == null) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The tenant's quota; {@link TenantQuota#UNLIMITED} when the file gives none. */
  public TenantQuota quota(String tenant) {
    return quotas.getOrDefault(tenant, TenantQuota.UNLIMITED);
  }

  /** This table: a fixed table is its own source. */
  @Override
  public TokenTable tokens() {
    return this;
  }

  /** The accepted tokens (names, tenants, roles, hashes), in the file's order. */
  public List<Entry> entries() {
    return entries;
  }

  /** How many tokens are accepted (for the start-up log line). */
  public int size() {
    return entries.size();
  }

  /** SHA-256 of the token's UTF-8 bytes. */
  public static byte[] sha256(String token) {
    return sha256Bytes(token.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of {@code bytes}. */
  public static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
