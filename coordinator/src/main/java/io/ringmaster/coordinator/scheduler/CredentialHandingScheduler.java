package io.ringmaster.coordinator.scheduler;

import io.ringmaster.job.security.JobCredentials;
import io.ringmaster.job.security.TlsFiles;
import java.util.Objects;

/**
 * Wraps the coordinator's scheduler so that every {@link LaunchRequest} carries the job's worker secret
 * (and, for workers on this machine, the coordinator's TLS files): the job's state machine and driver
 * never hold secrets, and every scheduler gets them the same way.
 */
public final class CredentialHandingScheduler implements WorkerScheduler {
  private final WorkerScheduler delegate;
  private final JobCredentials credentials;
  private final TlsFiles tls;

  /**
   * @param tls the files given to workers started on this machine; null for plaintext
   */
  public CredentialHandingScheduler(WorkerScheduler delegate, JobCredentials credentials, TlsFiles tls) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.tls = tls;
  }

  @Override
  public void launch(LaunchRequest request) throws SchedulerException {
    delegate.launch(request.withCredentials(credentials.jobSecret(request.jobId()), tls));
  }

  @Override
  public void stop(String jobId) {
    delegate.stop(jobId);
  }

  @Override
  public void evict(String jobId, long pid) {
    delegate.evict(jobId, pid);
  }

  @Override
  public void evict(String jobId, long pid, int slot) {
    delegate.evict(jobId, pid, slot);
  }

  @Override
  public GangDecision admit(String jobId, io.ringmaster.job.spec.JobSpec spec) {
    return delegate.admit(jobId, spec);
  }

  @Override
  public boolean launchesWorkers() {
    return delegate.launchesWorkers();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** The scheduler that does the work. */
  public WorkerScheduler delegate() {
    return delegate;
  }
}
