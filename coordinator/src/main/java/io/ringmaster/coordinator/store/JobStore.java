package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.Job;
import java.util.List;
import java.util.Optional;

/**
 * Where the coordinator keeps every job it knows: spec, state, per-epoch metrics, model path. The
 * coordinator writes on every state change and every finished epoch (not on progress ticks). A durable
 * implementation lets a restarted coordinator recover its jobs.
 */
public interface JobStore extends AutoCloseable {
  /** Inserts or replaces the job with this id. */
  void put(Job job);

  Optional<Job> get(String id);

  /** Every job, newest first (by created time). */
  List<Job> list();

  @Override
  default void close() {}
}
