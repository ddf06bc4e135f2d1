package io.ringmaster.coordinator.datasets;

import io.ringmaster.coordinator.auth.Caller;
import io.ringmaster.coordinator.auth.Role;
import java.util.regex.Pattern;

/**
 * Whose datasets a request works on: the caller's tenant (its pushes are held by it, its names are its own)
 * and whether it sees every tenant's datasets (admins, and the coordinator itself). A tenant that does not
 * see a dataset is answered exactly as if it did not exist.
 *
 * @param tenant the tenant that holds what this request pushes and whose names it resolves; empty for "no
 *     tenant" (callers of a coordinator without client authentication, and datasets stored before tenants
 *     existed)
 * @param everyTenant whether every tenant's datasets are visible (by hash, or as {@code TENANT/NAME})
 */
public record DatasetScope(String tenant, boolean everyTenant) {
  /** A tenant as the tokens file writes it (a DNS label), so that it is safe as a directory name. */
  private static final Pattern TENANT = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /**
   * The coordinator itself and callers of a coordinator without client authentication: pushes are held by
   * no tenant, and every tenant's datasets are visible. Jobs already accepted (recovery after a restart,
   * their data files) look their pinned hashes up with it.
   */
  public static final DatasetScope EVERY_TENANT = new DatasetScope("", true);

  public DatasetScope {
    java.util.Objects.requireNonNull(tenant, "tenant");
    if (!tenant.isEmpty() && !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant '" + io.ringmaster.job.spec.Echo.of(tenant, 80) + "' is not a DNS"
          + " label (lowercase letters, digits and '-', 1-63 characters)");
    }
  }

  /** What the caller of the current client call may see: its tenant's datasets, every tenant's as admin. */
  public static DatasetScope of(Caller caller) {
    return new DatasetScope(caller.tenant(), caller.role() == Role.ADMIN);
  }

  /** Only {@code tenant}'s datasets (a job submitted in-process for that tenant). */
  public static DatasetScope only(String tenant) {
    return new DatasetScope(tenant, false);
  }

  /** Whether a dataset held by {@code holder} is visible. */
  public boolean sees(String holder) {
    return everyTenant || tenant.equals(holder);
  }

  /** Whether {@code tenant} is a valid tenant name (or empty: no tenant). */
  public static boolean validTenant(String tenant) {
    return tenant.isEmpty() || TENANT.matcher(tenant).matches();
  }
}
