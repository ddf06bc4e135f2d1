package io.ringmaster.coordinator.scheduler;

/**
 * Starts nothing: jobs take idle workers that were started by hand ({@code ringmaster worker
 * --coordinator HOST:PORT}) and attached to the coordinator without a job id.
 */
public final class ExternalScheduler implements WorkerScheduler {
  @Override
  public void launch(LaunchRequest request) {
    throw new UnsupportedOperationException("the external scheduler launches nothing");
  }

  @Override
  public void stop(String jobId) {}

  @Override
  public boolean launchesWorkers() {
    return false;
  }

  @Override
  public void close() {}
}
