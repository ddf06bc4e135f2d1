package io.ringmaster.coordinator.scheduler;

import io.ringmaster.job.spec.KubernetesSpec;
import io.ringmaster.job.spec.ResourceSpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Workers to start for a job.
 *
 * @param jobId the job the workers take (passed as {@code --job})
 * @param firstSlot index of the first worker (slots name log files: {@code worker-<slot>.log}, and pods)
 * @param count how many workers
 * @param jobDir the job's directory; logs go under {@code jobDir/logs}
 * @param resources heap, off-heap, thread and GPU bounds per worker
 * @param coordinatorTarget host:port the workers dial
 * @param listener told when a started worker process exits, for any reason
 * @param kubernetes placement and volumes of worker pods (read by the Kubernetes scheduler only)
 * @param gangListener told when the scheduler gave up placing the job's gang and removed its workers (the
 *     job goes back to the queue)
 * @param jobSecret the job's worker secret, handed to every worker started for it (environment variable
 *     {@code RINGMASTER_JOB_SECRET}, never an argument); empty until {@link CredentialHandingScheduler} adds
 *     it
 * @param tls the TLS files workers started on the coordinator's machine use (the coordinator's own, passed as
 *     paths in {@code RINGMASTER_TLS_*}); null for plaintext. Pods mount their own.
 */
public record LaunchRequest(String jobId, int firstSlot, int count, Path jobDir, ResourceSpec resources,
    String coordinatorTarget, WorkerExitListener listener, KubernetesSpec kubernetes,
    GangReleaseListener gangListener, String jobSecret, io.ringmaster.job.security.TlsFiles tls) {
  public LaunchRequest {
    jobSecret = jobSecret == null ? "" : jobSecret;
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(jobDir, "jobDir");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(coordinatorTarget, "coordinatorTarget");
    Objects.requireNonNull(listener, "listener");
    kubernetes = kubernetes == null ? KubernetesSpec.EMPTY : kubernetes;
    gangListener = gangListener == null ? reason -> { } : gangListener;
    if (count < 1 || firstSlot < 0) {
      throw new IllegalArgumentException("count must be >= 1 and firstSlot >= 0");
    }
  }

  /** A request without credentials yet (the coordinator's scheduler adds them). */
  public LaunchRequest(String jobId, int firstSlot, int count, Path jobDir, ResourceSpec resources,
      String coordinatorTarget, WorkerExitListener listener, KubernetesSpec kubernetes,
      GangReleaseListener gangListener) {
    this(jobId, firstSlot, count, jobDir, resources, coordinatorTarget, listener, kubernetes, gangListener, "", null);
  }

  /** The same request with the workers' credentials. */
  public LaunchRequest withCredentials(String secret, io.ringmaster.job.security.TlsFiles files) {
    return new LaunchRequest(jobId, firstSlot, count, jobDir, resources, coordinatorTarget, listener, kubernetes,
        gangListener, secret, files);
  }

  @Override
  public String toString() {
    return "LaunchRequest[job " + jobId + ", slots " + firstSlot + ".." + (firstSlot + count - 1) + ", secret "
        + (jobSecret.isEmpty() ? "none" : "hidden") + ", tls " + (tls != null) + "]";
  }

  /** Workers without Kubernetes placement, whose gang is never released. */
  public LaunchRequest(String jobId, int firstSlot, int count, Path jobDir, ResourceSpec resources,
      String coordinatorTarget, WorkerExitListener listener) {
    this(jobId, firstSlot, count, jobDir, resources, coordinatorTarget, listener, null, null, "", null);
  }
}
