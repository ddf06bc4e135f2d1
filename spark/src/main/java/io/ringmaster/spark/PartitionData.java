package io.ringmaster.spark;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.FloatDataset;
import io.ringmaster.job.plan.EpochPlan;
import io.ringmaster.job.plan.PartitionPlan;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.worker.WorkerData;
import io.ringmaster.worker.engine.ReplicaState;
import java.util.Optional;

/**
 * A barrier task's rows as a worker's data: the task's own training and test rows, nothing read from
 * files. The epoch's steps come from {@link PartitionPlan} over every partition's training size (learnt
 * with {@code allGather}), and the rank evaluates all of its own test rows, so over the stage every
 * training row is used once per epoch and every test row is evaluated once.
 */
final class PartitionData implements WorkerData {
  private final PartitionRows rows;
  private final int partition;
  private final long[] trainSizes;
  private final ModelStart start;
  private final int planEpochOffset;

  /**
   * A job that trains its own initial model.
   *
   * @param rows this task's rows
   * @param partition this task's partition id (its rank)
   * @param trainSizes every partition's training rows, by partition id
   */
  PartitionData(PartitionRows rows, int partition, long[] trainSizes) {
    this(rows, partition, trainSizes, null, 0);
  }

  /**
   * @param start the model to continue from when the worker starts fresh (null: the job's initial model)
   * @param planEpochOffset added to the job's epoch to seed the partition-local shuffles
   */
  PartitionData(PartitionRows rows, int partition, long[] trainSizes, ModelStart start, int planEpochOffset) {
    if (trainSizes[partition] != rows.trainCount()) {
      throw new IllegalArgumentException("partition " + partition + " holds " + rows.trainCount()
          + " training rows but the gathered sizes say " + trainSizes[partition]);
    }
    this.rows = rows;
    this.partition = partition;
    this.trainSizes = trainSizes.clone();
    this.start = start;
    this.planEpochOffset = planEpochOffset;
  }

  @Override
  public Optional<ReplicaState> initialState() {
    return Optional.ofNullable(start).map(ModelStart::toReplicaState);
  }

  @Override
  public Dataset train(JobSpec spec, DatasetInfo expected, Provenance validated) throws DatasetException {
    return dataset("train", expected, rows.trainFeatures(), rows.trainLabels());
  }

  @Override
  public Dataset test(JobSpec spec, DatasetInfo expected, Provenance validated) throws DatasetException {
    return dataset("test", expected, rows.testFeatures(), rows.testLabels());
  }

  @Override
  public EpochPlan plan(JobSpec spec, int epoch, int rank, int world, Dataset train) {
    if (world != trainSizes.length) {
      throw new IllegalStateException("the coordinator formed a ring of " + world + " workers, but the data has "
          + trainSizes.length + " partitions and each needs its worker (faultTolerance.minWorkers must be "
          + trainSizes.length + ")");
    }
    return PartitionPlan.of(spec.seed(), planEpochOffset + epoch, partition, trainSizes, spec.batchSize());
  }

  @Override
  public int[] testRange(int rank, int world, Dataset test) {
    return new int[] {0, test.size()};
  }

  private Dataset dataset(String which, DatasetInfo expected, float[] values, int[] labels) throws DatasetException {
    if (rows.features() != expected.features()) {
      throw new DatasetException(DatasetException.Source.PATH, "partition " + partition + "'s " + which
          + " rows have " + rows.features() + " features but the job was submitted for " + expected.features());
    }
    for (int label : labels) {
      if (label < 0 || label >= expected.classes()) {
        throw new DatasetException(DatasetException.Source.PATH, "partition " + partition + " has a " + which
            + " label " + label + " outside [0, " + expected.classes() + ")");
      }
    }
    return new FloatDataset(expected.channels(), expected.height(), expected.width(), expected.classes(), values,
        labels);
  }
}
