package io.ringmaster.coordinator.scheduler;

/** Told when a worker process started by a scheduler has exited. */
@FunctionalInterface
public interface WorkerExitListener {
  void onExit(WorkerExit exit);
}
