package io.ringmaster.coordinator.auth;

import io.grpc.Context;
import io.grpc.Status;
import java.util.Objects;

/**
 * Who is calling the client API, as established by the {@link ClientAuthInterceptor} and attached to
 * the call's gRPC {@link Context}: the token's name (never the token), its tenant and role, and the peer
 * address the call came from. The services read it with {@link #current()}.
 *
 * @param principal the token's name in the tokens file ({@code anonymous} without authentication)
 * @param tenant the tenant the token belongs to; empty for {@link #unauthenticated}
 * @param role what the token may do
 * @param peer the remote address of the call ({@code host:port}), or {@code unknown}
 */
public record Caller(String principal, String tenant, Role role, String peer) {
  static final Context.Key<Caller> KEY = Context.key("ringmaster-caller");

  public Caller {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(peer, "peer");
  }

  /**
   * The caller of a coordinator that authenticates no client (embedded {@code ringmaster run}, or
   * {@code --client-auth none}): an admin of no tenant, so it sees every job.
   */
  public static Caller unauthenticated(String peer) {
    return new Caller("anonymous", "", Role.ADMIN, peer);
  }

  /**
   * The caller of the current gRPC call.
   *
   * @throws io.grpc.StatusRuntimeException UNAUTHENTICATED when no interceptor established one (the
   *     service was installed without {@link ClientAuthInterceptor}: fail closed)
   */
  public static Caller current() {
    Caller c = KEY.get();
    if (c == null) {
      throw Status.UNAUTHENTICATED.withDescription("no authenticated caller for this call: the coordinator's"
          + " client API was installed without its authentication interceptor (a bug; report it)")
          .asRuntimeException();
    }
    return c;
  }

  /** This caller on the current context, for running {@code r} as it (tests, embedded calls). */
  public Context attach(Context context) {
    return context.withValue(KEY, this);
  }

  /** Whether this caller may see a job or dataset owned by {@code ownerTenant}: its own, or any as admin. */
  public boolean sees(String ownerTenant) {
    return role == Role.ADMIN || tenant.equals(ownerTenant);
  }

  /** For audit records and logs: principal, tenant and peer; never a secret. */
  @Override
  public String toString() {
    return principal + " (tenant " + (tenant.isEmpty() ? "-" : tenant) + ", " + role.id() + ") from " + peer;
  }
}
