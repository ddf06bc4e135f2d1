package io.ringmaster.coordinator.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.proto.v1.CheckpointsGrpc;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every job-scoped call a worker makes to the coordinator besides {@code Attach}: checkpoint
 * upload and download, data file download, model upload ({@link #WORKER_CALLS}).
 *
 * <p>The protocol: the worker sends {@value JobCredentials#JOB_ID_HEADER}: the job the call is for, and
 * {@value JobCredentials#JOB_SECRET_HEADER}: that job's secret, in the call's metadata. The guard decides on
 * those headers alone ({@link WorkerAuthenticator#callRefusal}), when the call starts, before any message of
 * it is read: a refused call is closed with UNAUTHENTICATED (nothing named, no secret) or PERMISSION_DENIED
 * (the secret of another job) and its service never runs. An admitted call runs with its {@link
 * AuthenticatedJob} in the context, and the service acts only on that job (the job its message names must be
 * the same; a data file must be one of that job's). Other methods pass untouched. Refusals are logged with
 * the method and peer, never with a secret.
 */
public final class WorkerCallGuard implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(WorkerCallGuard.class);
  static final Metadata.Key<String> JOB_ID =
      Metadata.Key.of(JobCredentials.JOB_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  /** The worker calls this guard checks: every call a worker makes to the coordinator except {@code Attach}. */
  public static final Set<String> WORKER_CALLS = Set.of(
      CheckpointsGrpc.getUploadMethod().getFullMethodName(),
      CheckpointsGrpc.getDownloadMethod().getFullMethodName(),
      DatasetServiceGrpc.getDownloadFileMethod().getFullMethodName(),
      DatasetServiceGrpc.getUploadModelMethod().getFullMethodName());

  private final WorkerAuthenticator authenticator;

  public WorkerCallGuard(WorkerAuthenticator authenticator) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!WORKER_CALLS.contains(method)) {
      return next.startCall(call, headers);
    }
    String shortName = method.substring(method.lastIndexOf('.') + 1).replace('/', '.');
    String jobId = headers.get(JOB_ID);
    Status refused = authenticator.callRefusal(shortName, jobId, headers.get(WorkerCredentialsInterceptor.JOB_SECRET));
    if (refused != null) {
      log.warn("refused {} from {}: {}", shortName, call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
          refused.getDescription());
      call.close(refused, new Metadata());
      return new ServerCall.Listener<>() { };
    }
    Context context = new AuthenticatedJob(jobId).attach(Context.current());
    return Contexts.interceptCall(context, call, headers, next);
  }
}
