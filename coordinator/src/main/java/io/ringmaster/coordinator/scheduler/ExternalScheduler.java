package io.ringmaster.coordinator.scheduler;

/**
 * Starts nothing: jobs take idle workers that were started by hand ({@code ringmaster worker
 * --coordinator HOST:PORT}) and attached to the coordinator without a job id. The job manager admits
 * jobs to them by gang (all the workers a job needs at once, each with a fresh heartbeat, or none) and
 * fills lost ranks' slots with fresh free workers; {@link #evict} kills nothing (the manager closes the
 * worker's session instead, so it must attach again).
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
