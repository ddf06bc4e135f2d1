package io.ringmaster.worker;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.plan.EpochPlan;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.worker.engine.ReplicaState;
import java.util.Optional;

/**
 * Where a worker's training and test rows come from, and so which of them each rank trains and evaluates.
 *
 * <ul>
 *   <li>{@link #FILES} (the default): every worker reads the whole datasets from the files the spec names;
 *       the epoch's {@link ShardPlan} is one global shuffle cut into per-rank slices, and rank r evaluates
 *       the slice {@code [r*T/W, (r+1)*T/W)} of the test set.
 *   <li>In-memory rows handed over by the host (a Spark task's partition, see the {@code spark} module):
 *       the rank holds only its own rows, plans its steps over them, and evaluates all of its test rows.
 * </ul>
 *
 * Either way, over all ranks every training sample is used once per epoch and every test sample is
 * evaluated once, which is what the coordinator checks.
 */
public interface WorkerData {
  /** This worker's training rows; {@code expected} is the shape the coordinator probed. */
  Dataset train(JobSpec spec, DatasetInfo expected) throws DatasetException;

  /** This worker's test rows; {@code expected} is the shape the coordinator probed. */
  Dataset test(JobSpec spec, DatasetInfo expected) throws DatasetException;

  /**
   * Whether {@link #train}/{@link #test} read the files the spec names: then the worker first makes them
   * local (a file it cannot see, or a stored dataset, is fetched from the coordinator and cached by hash).
   */
  default boolean readsSpecFiles() {
    return false;
  }

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

  /** The plan of {@code epoch} for rank {@code rank} of {@code world}, over the rows {@link #train} gave. */
  EpochPlan plan(JobSpec spec, int epoch, int rank, int world, Dataset train);

  /** The rows {@code [from, to)} of {@code test} that rank {@code rank} of {@code world} evaluates. */
  int[] testRange(int rank, int world, Dataset test);

  /** Every worker reads the whole datasets from the spec's files (the core's behaviour). */
  WorkerData FILES = new WorkerData() {
    @Override
    public boolean readsSpecFiles() {
      return true;
    }

    @Override
    public Dataset train(JobSpec spec, DatasetInfo expected) throws DatasetException {
      return checked("train", expected, DatasetLoader.load(spec.data().train()));
    }

    @Override
    public Dataset test(JobSpec spec, DatasetInfo expected) throws DatasetException {
      return checked("test", expected, DatasetLoader.load(spec.data().test()));
    }

    @Override
    public EpochPlan plan(JobSpec spec, int epoch, int rank, int world, Dataset train) {
      return ShardPlan.of(spec.seed(), epoch, train.size(), spec.batchSize());
    }

    @Override
    public int[] testRange(int rank, int world, Dataset test) {
      return new int[] {(int) ((long) rank * test.size() / world), (int) ((long) (rank + 1) * test.size() / world)};
    }

    private Dataset checked(String which, DatasetInfo expected, Dataset actual) throws DatasetException {
      if (!expected.equals(actual.info())) {
        throw new DatasetException(DatasetException.Source.PATH, "the " + which + " data this worker read ("
            + actual.info() + ") differs from what the coordinator validated (" + expected
            + "): do all machines see the same files?");
      }
      return actual;
    }
  };
}
