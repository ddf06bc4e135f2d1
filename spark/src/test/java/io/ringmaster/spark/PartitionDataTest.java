package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecResolver;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.proto.v1.Provenance;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** A task's rows as a worker's data, without Spark running. */
class PartitionDataTest {
  private static final JobSpec SPEC = JobSpecResolver.withDefaults(new JobSpec("t",
      new ModelSpec.Builtin(ModelSpec.MLP, null, null),
      new DataSpec(DatasetRef.csv("spark:a", "label"), DatasetRef.csv("spark:b", "label")), 1, 2,
      UpdaterSpec.adam(1e-3), 7L, 2, null, null, null, null));

  private static Row row(int label, int split, float... features) {
    List<Float> f = new java.util.ArrayList<>();
    for (float v : features) {
      f.add(v);
    }
    return RowFactory.create(label, scala.collection.JavaConverters.asScalaBuffer(f).toList(), split);
  }

  private static PartitionRows rows() {
    return PartitionRows.read(List.of(row(1, TrainingFrames.TRAIN, 1, 2), row(0, TrainingFrames.TEST, 3, 4),
        row(2, TrainingFrames.TRAIN, 5, 6)).iterator(), 2);
  }

  @Test
  void splitsTrainingAndTestRowsAndEvaluatesAllOfItsTestRows() throws DatasetException {
    PartitionData data = new PartitionData(rows(), 1, new long[] {5, 2});
    Dataset train = data.train(SPEC, new DatasetInfo(7, 1, 1, 2, 3), Provenance.getDefaultInstance());
    Dataset test = data.test(SPEC, new DatasetInfo(4, 1, 1, 2, 3), Provenance.getDefaultInstance());
    assertThat(train.size()).isEqualTo(2);
    assertThat(train.label(1)).isEqualTo(2);
    float[] x = new float[2];
    train.gather(new int[] {1}, 1, x, 0);
    assertThat(x).containsExactly(5f, 6f);
    assertThat(test.size()).isEqualTo(1);
    assertThat(data.testRange(0, 2, test)).containsExactly(0, 1);
    assertThat(data.plan(SPEC, 1, 0, 2, train).steps()).as("ceil(7 / 2)").isEqualTo(4);
  }

  @Test
  void refusesARingOfAnotherSizeAndLabelsBeyondTheClasses() {
    PartitionData data = new PartitionData(rows(), 1, new long[] {5, 2});
    assertThatThrownBy(() -> data.plan(SPEC, 1, 0, 3, null)).hasMessageContaining("2 partitions");
    assertThatThrownBy(() -> data.train(SPEC, new DatasetInfo(7, 1, 1, 2, 2), Provenance.getDefaultInstance())).isInstanceOf(DatasetException.class)
        .hasMessageContaining("label 2 outside [0, 2)");
    assertThatThrownBy(() -> new PartitionData(rows(), 1, new long[] {5, 3})).hasMessageContaining("gathered sizes");
  }

  @Test
  void startsFromTheHostsModelAndOffsetsTheShuffleEpoch() throws DatasetException {
    assertThat(new PartitionData(rows(), 1, new long[] {5, 2}).initialState()).as("the job's own model").isEmpty();
    ModelStart start = new ModelStart(new float[] {1, 2}, new float[] {3}, 15, 1);
    PartitionData data = new PartitionData(rows(), 1, new long[] {5, 2}, start, 1);
    var state = data.initialState().orElseThrow();
    assertThat(state.params()).containsExactly(1f, 2f);
    assertThat(state.updaterState()).containsExactly(3f);
    assertThat(state.iteration()).isEqualTo(15);
    Dataset train = data.train(SPEC, new DatasetInfo(7, 1, 1, 2, 3), io.ringmaster.proto.v1.Provenance.getDefaultInstance());
    int[] offset = new int[2];
    int[] same = new int[2];
    // epoch 1 after an offset of 1 is the plan of epoch 2: the drop-in's second fit shuffles anew
    data.plan(SPEC, 1, 1, 2, train).indices(0, 1, 2, offset);
    io.ringmaster.job.plan.PartitionPlan.of(SPEC.seed(), 2, 1, new long[] {5, 2}, SPEC.batchSize())
        .indices(0, 1, 2, same);
    assertThat(offset).containsExactly(same);
  }
}
