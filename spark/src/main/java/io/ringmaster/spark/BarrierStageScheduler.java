package io.ringmaster.spark;

import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's scheduler: it launches nothing, because the workers are the tasks of the barrier stage the
 * driver runs itself ({@link BarrierStage}). The coordinator still treats the job as one whose workers are
 * launched for it (they attach with its id and their partition id as slot, and the start timer bounds how
 * long it waits for them), so no gang of free workers is involved.
 */
final class BarrierStageScheduler implements WorkerScheduler {
  private final Map<String, CompletableFuture<LaunchRequest>> launched = new ConcurrentHashMap<>();

  @Override
  public void launch(LaunchRequest request) {
    asked(request.jobId()).complete(request); // the barrier stage's tasks are the workers
  }

  @Override
  public void stop(String jobId) {
    launched.remove(jobId);
  }

  @Override
  public boolean launchesWorkers() {
    return true;
  }

  /**
   * Completes when the coordinator asks for the workers of {@code jobId}: the job was admitted and waits
   * for them, so tasks attaching with its id from then on are taken (earlier ones would be turned away).
   */
  CompletableFuture<LaunchRequest> asked(String jobId) {
    return launched.computeIfAbsent(jobId, id -> new CompletableFuture<>());
  }

  @Override
  public void close() {
    launched.clear();
  }
}
