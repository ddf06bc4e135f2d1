package io.ringmaster.coordinator.workers;

import io.ringmaster.proto.v1.Heartbeat;
import io.ringmaster.proto.v1.WorkerMessage;

/** What the control plane tells the job layer about workers. Called from gRPC threads. */
public interface WorkerEvents {
  /** A worker said Hello. */
  void attached(WorkerSession session);

  /** A worker sent a heartbeat (its activity feeds the job's no-progress watchdog). */
  void heartbeat(WorkerSession session, Heartbeat heartbeat);

  /** A worker sent anything after Hello (heartbeats excluded). */
  void message(WorkerSession session, WorkerMessage message);

  /** A worker's session ended (either side ended it; reported once); {@code why} describes how. */
  void detached(WorkerSession session, String why);
}
