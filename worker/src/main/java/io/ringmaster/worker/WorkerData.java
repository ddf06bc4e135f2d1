package io.ringmaster.worker;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.plan.EpochPlan;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.worker.engine.ReplicaState;
import java.util.Optional;

/**
 * Where a worker's training and test rows come from, and so which of them each rank trains and evaluates.
 *
 * <ul>
 *   <li>The spec's files ({@link io.ringmaster.worker.data.SpecFileData}, what {@link WorkerRuntime} uses unless given another): every
 *       worker reads the whole datasets, made local first (a file it cannot see, or a stored dataset, is fetched
 *       from the coordinator and cached by hash); the epoch's {@link io.ringmaster.job.plan.ShardPlan} is one
 *       global shuffle cut into per-rank slices, and rank r evaluates the slice {@code [r*T/W, (r+1)*T/W)} of
 *       the test set.
 *   <li>In-memory rows handed over by the host (a Spark task's partition, see the {@code spark} module):
 *       the rank holds only its own rows, plans its steps over them, and evaluates all of its test rows.
 * </ul>
 *
 * Either way, over all ranks every training sample is used once per epoch and every test sample is
 * evaluated once, which is what the coordinator checks. The job thread calls {@link #train} and {@link #test}
 * once per job, before the job's first ring.
 */
public interface WorkerData {
  /**
   * This worker's training rows.
   *
   * @param expected the shape the coordinator probed
   * @param validated the job's provenance: the SHA-256 of every data file the coordinator validated
   */
  Dataset train(JobSpec spec, DatasetInfo expected, Provenance validated) throws DatasetException;

  /** This worker's test rows; the parameters as for {@link #train}. */
  Dataset test(JobSpec spec, DatasetInfo expected, Provenance validated) throws DatasetException;

  /**
   * The state a replica starts the job from when it starts fresh (epoch 1 step 0, neither a checkpoint nor
   * a peer to take it from). Empty (the default): the model's initial parameters as the spec's seed builds
   * them, identical on every rank. A host that continues a model it already holds (the DL4J Spark drop-in
   * trains the driver's network) gives that model's parameters, updater state and counters; every rank must
   * be given the same state, or the replicas diverge (the coordinator's checksums then fail the job).
   */
  default Optional<ReplicaState> initialState() {
    return Optional.empty();
  }

  /**
   * The job that {@link #train} and {@link #test} loaded for has ended (its runner closed): release what was
   * held for it (the file-reading data unpins its files, so the worker's cache may evict them). Default:
   * nothing.
   */
  default void jobEnded() {
  }

  /** The plan of {@code epoch} for rank {@code rank} of {@code world}, over the rows {@link #train} gave. */
  EpochPlan plan(JobSpec spec, int epoch, int rank, int world, Dataset train);

  /** The rows {@code [from, to)} of {@code test} that rank {@code rank} of {@code world} evaluates. */
  int[] testRange(int rank, int world, Dataset test);
}
