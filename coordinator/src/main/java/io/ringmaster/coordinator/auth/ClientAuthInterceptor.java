package io.ringmaster.coordinator.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import io.ringmaster.coordinator.store.AuditRecord;

/**
 * Authenticates callers of the client API ({@link MethodPolicy}) by bearer token and attaches the
 * {@link Caller} to the call's context; the services then keep each tenant to its own jobs and datasets.
 *
 * <p>The protocol: the client sends {@code authorization: Bearer <token>} with every call. No header (or
 * not a bearer token): UNAUTHENTICATED, saying how to give one. A token that is not in the
 * {@link TokenTable}: UNAUTHENTICATED (the same answer for a wrong, revoked or misspelt token). A token
 * whose role is too weak for the method: PERMISSION_DENIED, naming the role needed. A method of a client
 * service that the policy does not list: PERMISSION_DENIED for everyone. Other services pass untouched. The
 * client services' worker methods ({@code DownloadFile}, {@code UploadModel}) need no client token but pass
 * only when a {@link io.ringmaster.coordinator.security.WorkerCallGuard} installed in front of this interceptor
 * authenticated the call with its job's secret; otherwise UNAUTHENTICATED. The token never appears in a message or
 * log line. Every refusal goes to the {@link AuditTrail} (rate-bounded) with the method, the peer, the
 * reason and who the caller is as far as known: the token's name and tenant, or for an unknown token its
 * {@linkplain TokenFingerprint fingerprint}.
 *
 * <p>Without a token table ({@link #disabled()}: embedded {@code ringmaster run}, or a coordinator told
 * {@code --client-auth none}) every client call runs as {@link Caller#unauthenticated}, an admin.
 */
public final class ClientAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";

  private final TokenSource tokens;
  private final MethodPolicy policy;
  private final AuditTrail audit;

  private ClientAuthInterceptor(TokenSource tokens, MethodPolicy policy, AuditTrail audit) {
    this.tokens = tokens;
    this.policy = policy;
    this.audit = java.util.Objects.requireNonNull(audit, "audit");
  }

  /**
   * Checks every client call against the tokens {@code tokens} holds at the moment of the call (a
   * {@link TokenTable}, or a {@link TokensFileWatcher} that follows the tokens file); refusals go to the
   * log only.
   */
  public static ClientAuthInterceptor withTokens(TokenSource tokens) {
    return withTokens(tokens, AuditTrail.logOnly(System::currentTimeMillis));
  }

  /** As {@link #withTokens(TokenSource)}, recording refusals in {@code audit}. */
  public static ClientAuthInterceptor withTokens(TokenSource tokens, AuditTrail audit) {
    return new ClientAuthInterceptor(java.util.Objects.requireNonNull(tokens), MethodPolicy.standard(), audit);
  }

  /** Authenticates nobody: every client call runs as an unauthenticated admin. */
  public static ClientAuthInterceptor disabled() {
    return disabled(AuditTrail.logOnly(System::currentTimeMillis));
  }

  /** As {@link #disabled()}, recording refusals (of unlisted methods) in {@code audit}. */
  public static ClientAuthInterceptor disabled(AuditTrail audit) {
    return new ClientAuthInterceptor(null, MethodPolicy.standard(), audit);
  }

  /** Whether client calls are authenticated. */
  public boolean enabled() {
    return tokens != null;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    MethodPolicy.Access access = policy.access(method);
    if (access instanceof MethodPolicy.Access.NotClientApi) {
      return next.startCall(call, headers);
    }
    String peer = peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    if (access instanceof MethodPolicy.Access.WorkerPlane) {
      // a worker's call: no client token, but only once the worker guard in front of this interceptor
      // authenticated it for its job (a service installed without the guard refuses it: fail closed)
      if (io.ringmaster.coordinator.security.AuthenticatedJob.present()) {
        return next.startCall(call, headers);
      }
      return refuse(call, Status.UNAUTHENTICATED.withDescription(shortName(method) + " is a worker call: it needs"
          + " the job's secret (metadata '" + io.ringmaster.job.security.JobCredentials.JOB_SECRET_HEADER + "' and '"
          + io.ringmaster.job.security.JobCredentials.JOB_ID_HEADER + "'), checked by the coordinator's worker"
          + " guard"), peer, "", "", AuditRecord.Reason.WORKER_NOT_AUTHENTICATED);
    }
    if (access instanceof MethodPolicy.Access.Unlisted) {
      return refuse(call, Status.PERMISSION_DENIED.withDescription(shortName(method) + " is not open to clients"
          + " on this coordinator"), peer, "", "", AuditRecord.Reason.UNLISTED_METHOD);
    }
    Role needed = ((MethodPolicy.Access.Client) access).role();
    Caller caller;
    if (tokens == null) {
      caller = Caller.unauthenticated(peer);
    } else {
      String header = headers.get(AUTHORIZATION);
      if (header == null || header.length() <= BEARER.length()
          || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return refuse(call, Status.UNAUTHENTICATED.withDescription("this coordinator needs a client token: set"
            + " RINGMASTER_TOKEN, or 'token:' in ~/.config/ringmaster/config.yaml (gRPC clients: metadata"
            + " 'authorization: Bearer TOKEN'); ask the coordinator's operator for one"), peer, "", "",
            header == null ? AuditRecord.Reason.NO_TOKEN : AuditRecord.Reason.NOT_BEARER);
      }
      String presented = header.substring(BEARER.length()).strip();
      Optional<TokenTable.Entry> entry = tokens.tokens().authenticate(presented);
      if (entry.isEmpty()) {
        return refuse(call, Status.UNAUTHENTICATED.withDescription("the client token is not accepted by this"
            + " coordinator (unknown or revoked): check RINGMASTER_TOKEN or your config file"), peer,
            TokenFingerprint.of(presented), "", AuditRecord.Reason.UNKNOWN_TOKEN);
      }
      TokenTable.Entry e = entry.get();
      caller = new Caller(e.name(), e.tenant(), e.role(), peer);
      if (!e.role().allows(needed)) {
        return refuse(call, Status.PERMISSION_DENIED.withDescription("token '" + e.name() + "' has role "
            + e.role().id() + ", but " + shortName(method) + " needs role " + needed.id()
            + " or higher; ask the coordinator's operator"), peer, e.name(), e.tenant(),
            AuditRecord.Reason.ROLE_TOO_WEAK);
      }
    }
    Context context = caller.attach(Context.current());
    return Contexts.interceptCall(context, call, headers, next);
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> refuse(ServerCall<ReqT, RespT> call, Status status,
      String peer, String principal, String tenant, AuditRecord.Reason reason) {
    audit.refused(principal, tenant, peer, shortName(call.getMethodDescriptor().getFullMethodName()), "", reason);
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() { };
  }

  /** {@code Service.Method} of a full method name ({@code ringmaster.v1.JobService/GetJob}). */
  public static String shortName(String fullMethodName) {
    int slash = fullMethodName.lastIndexOf('/');
    String service = io.grpc.MethodDescriptor.extractFullServiceName(fullMethodName);
    String simple = service == null ? "" : service.substring(service.lastIndexOf('.') + 1);
    return simple + "." + fullMethodName.substring(slash + 1);
  }

  /** {@code host:port} of the remote end, or {@code unknown} (in-process transports have no address). */
  static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress a) {
      String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
    return address == null ? "unknown" : address.toString();
  }
}
