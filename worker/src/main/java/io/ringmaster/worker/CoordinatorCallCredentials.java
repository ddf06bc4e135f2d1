package io.ringmaster.worker;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import java.util.Objects;

/**
 * What a worker presents on each call to the coordinator (installed on its channel to the coordinator):
 * <ul>
 *   <li>on {@code WorkerControl.Attach}: the credentials it was started with, the job secret the scheduler
 *       handed it ({@value JobCredentials#ENV_JOB_SECRET}; none for a worker started by hand, which proves
 *       itself with its client certificate), for the job it names in its Hello;</li>
 *   <li>on every other call (checkpoints, data files, the model): {@value JobCredentials#JOB_ID_HEADER} = the job
 *       it is bound to now and {@value JobCredentials#JOB_SECRET_HEADER} = that job's secret, from the job's
 *       {@code Assign} (the coordinator sends it there), else the launch secret if it is the job it was started
 *       for. The coordinator refuses these calls without the secret of the job they name.</li>
 * </ul>
 * A worker runs one job at a time: {@link #boundTo} is called before the runner of a new job is made (after the
 * previous one closed, which waits for its last checkpoint upload). Never logs a secret.
 */
final class CoordinatorCallCredentials implements ClientInterceptor {
  static final Metadata.Key<String> JOB_ID = Metadata.Key.of(JobCredentials.JOB_ID_HEADER,
      Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> JOB_SECRET = Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER,
      Metadata.ASCII_STRING_MARSHALLER);

  /** A job and its secret (either may be empty). */
  private record Credential(String jobId, String secret) {
    @Override
    public String toString() {
      return "Credential[" + jobId + ", secret " + (secret.isEmpty() ? "none" : "hidden") + "]";
    }
  }

  private final Credential launch;
  private volatile Credential bound;

  /**
   * @param launchJobId the job this worker was started for ("" for a free worker)
   * @param launchSecret its secret from the scheduler ("" if none)
   */
  CoordinatorCallCredentials(String launchJobId, String launchSecret) {
    this.launch = new Credential(Objects.requireNonNullElse(launchJobId, ""), Objects.requireNonNullElse(launchSecret, ""));
    this.bound = launch;
  }

  /** From now on, job-scoped calls are for {@code jobId}, with {@code assignSecret} (the Assign's job_secret). */
  void boundTo(String jobId, String assignSecret) {
    String secret = assignSecret != null && !assignSecret.isEmpty() ? assignSecret
        : jobId.equals(launch.jobId()) ? launch.secret() : "";
    bound = new Credential(jobId, secret);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Credential c = method.getFullMethodName().equals(WorkerControlGrpc.getAttachMethod().getFullMethodName())
        ? launch : bound;
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        if (!c.jobId().isEmpty()) {
          headers.put(JOB_ID, c.jobId());
        }
        if (!c.secret().isEmpty()) {
          headers.put(JOB_SECRET, c.secret());
        }
        super.start(listener, headers);
      }
    };
  }
}
