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

  /**
   * Null if a worker's job-scoped call (a checkpoint, a data file, the model: {@link WorkerCallGuard}) may
   * proceed, else the status that refuses it. The call must name its job ({@value JobCredentials#JOB_ID_HEADER})
   * and carry that job's secret ({@value JobCredentials#JOB_SECRET_HEADER}): nothing named or no secret is
   * UNAUTHENTICATED, a secret that is not the named job's is PERMISSION_DENIED. A client certificate alone
   * admits nothing here: it tells that a worker belongs to the installation, not to which job (workers may
   * share one), and every admitted worker learns its job's secret from its {@code Assign}.
   *
   * @param call what the call does, for the message ("Checkpoints.Download")
   */
  public Status callRefusal(String call, String jobId, String presentedSecret) {
    if (jobId == null || jobId.isEmpty()) {
      return Status.UNAUTHENTICATED.withDescription(call + " is a worker call: it must name its job in the '"
          + JobCredentials.JOB_ID_HEADER + "' metadata and carry the job's secret in '"
          + JobCredentials.JOB_SECRET_HEADER + "' (a Ringmaster worker does both; the secret comes from "
          + JobCredentials.ENV_JOB_SECRET + " or the job's Assign)");
    }
    if (presentedSecret == null || presentedSecret.isEmpty()) {
      return Status.UNAUTHENTICATED.withDescription(call + " for job " + io.ringmaster.job.spec.Echo.of(jobId)
          + " carries no job secret ('" + JobCredentials.JOB_SECRET_HEADER + "' metadata): only the job's workers"
          + " may make it; they get the secret from the scheduler (" + JobCredentials.ENV_JOB_SECRET
          + ") or the job's Assign");
    }
    if (!credentials.isJobSecret(jobId, presentedSecret)) {
      return Status.PERMISSION_DENIED.withDescription(call + ": the job secret it carries is not the secret of job "
          + io.ringmaster.job.spec.Echo.of(jobId) + "; only that job's workers may make this call");
    }
    return null;
  }

  /** The credentials that sign job secrets and ring tokens. */
  public JobCredentials credentials() {
    return credentials;
  }
}
