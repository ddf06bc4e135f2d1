package io.ringmaster.coordinator.workers;

import io.ringmaster.proto.v1.WorkerMessage;

/** What the control plane tells the job layer about workers. Called from gRPC threads. */
public interface WorkerEvents {
  /** A worker said Hello. */
  void attached(WorkerSession session);

  /** A worker sent anything after Hello, heartbeats included (their activity feeds the no-progress watchdog). */
  void message(WorkerSession session, WorkerMessage message);

  /** A worker's stream ended; {@code why} describes how. */
  void detached(WorkerSession session, String why);
}
