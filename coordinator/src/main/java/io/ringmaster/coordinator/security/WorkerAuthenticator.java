package io.ringmaster.coordinator.security;

import io.grpc.Status;
import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.proto.v1.Hello;
import java.util.Objects;

/**
 * Decides whether a worker that says {@code Hello} may attach (see the package documentation for the
 * protocol). The rules, in order:
 * <ol>
 *   <li>a job secret was presented: it must be the secret of the job the Hello names (a worker started
 *       for that job); else PERMISSION_DENIED;</li>
 *   <li>a verified client certificate (chained to the coordinator's trust bundle) identifies a worker
 *       started by hand by whoever holds the CA: admitted, free or for a job;</li>
 *   <li>nothing presented: a free worker (no job named) is admitted only by a coordinator that
 *       {@code admitsAnonymousFreeWorkers} (plaintext on loopback, or {@code --insecure}); anything else is
 *       UNAUTHENTICATED.</li>
 * </ol>
 */
public final class WorkerAuthenticator {
  private final JobCredentials credentials;
  private final boolean admitsAnonymousFreeWorkers;

  /**
   * @param admitsAnonymousFreeWorkers whether a worker that presents nothing may attach as a free worker:
   *     true only for a plaintext coordinator, whose operator accepted that anyone who reaches it is trusted
   */
  public WorkerAuthenticator(JobCredentials credentials, boolean admitsAnonymousFreeWorkers) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.admitsAnonymousFreeWorkers = admitsAnonymousFreeWorkers;
  }

  /** Null if the worker may attach, else the status that refuses it (the description says how to fix it). */
  public Status refusal(Hello hello, WorkerCallCredentials presented) {
    String job = hello.getJobId();
    if (!presented.jobSecret().isEmpty()) {
      if (!job.isEmpty() && credentials.isJobSecret(job, presented.jobSecret())) {
        return null;
      }
      return Status.PERMISSION_DENIED.withDescription("worker " + hello.getWorkerId() + ": the job secret it presented"
          + " is not the secret of " + (job.isEmpty() ? "any job it named (it named none)" : "job " + job)
          + "; a worker started for a job gets that job's secret from the scheduler that starts it ("
          + JobCredentials.ENV_JOB_SECRET + ")");
    }
    if (presented.clientCertificate() != null) {
      return null;
    }
    if (job.isEmpty() && admitsAnonymousFreeWorkers) {
      return null;
    }
    return Status.UNAUTHENTICATED.withDescription("worker " + hello.getWorkerId() + " presented no credentials: "
        + (job.isEmpty() ? "a worker started by hand" : "a worker for job " + job)
        + " must present a client certificate signed by the coordinator's CA (--tls-cert/--tls-key/--tls-ca)"
        + (job.isEmpty() ? "" : " or the job's secret (" + JobCredentials.ENV_JOB_SECRET + ", set by the scheduler)"));
  }

  /** The credentials that sign job secrets and ring tokens. */
  public JobCredentials credentials() {
    return credentials;
  }
}
