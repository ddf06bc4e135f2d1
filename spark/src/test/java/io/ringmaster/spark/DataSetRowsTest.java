package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** DL4J DataSets as a task's rows and their shape, without Spark running. */
class DataSetRowsTest {
  private static DataSet images(int n, float first) {
    // [n, 2, 1, 2]: example i holds first + 4i .. first + 4i + 3 in row-major order; label i % 3
    float[] x = new float[n * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = first + i;
    }
    float[][] y = new float[n][3];
    for (int i = 0; i < n; i++) {
      y[i][i % 3] = 1;
    }
    return new DataSet(Nd4j.create(x, new long[] {n, 2, 1, 2}, 'c'), Nd4j.create(y));
  }

  @Test
  void flattensEachExampleRowMajorAndTurnsOneHotLabelsIntoClasses() {
    PartitionRows rows = DataSetRows.read(List.of(images(2, 0), images(1, 100)).iterator(), 4);
    assertThat(rows.trainCount()).isEqualTo(3);
    assertThat(rows.testCount()).isZero();
    assertThat(rows.trainFeatures()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 102, 103);
    assertThat(rows.trainLabels()).containsExactly(0, 1, 0);
  }

  @Test
  void aViewInFortranOrderIsFlattenedByExample() {
    DataSet f = new DataSet(Nd4j.create(new float[][] {{1, 2, 3}, {4, 5, 6}}).dup('f'),
        Nd4j.create(new float[][] {{0, 1}, {1, 0}}));
    PartitionRows rows = DataSetRows.read(List.of(f).iterator(), 3);
    assertThat(rows.trainFeatures()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(rows.trainLabels()).containsExactly(1, 0);
  }

  @Test
  void aPartitionIsConvertedOnceIntoTheArraysTheWorkerReadsInPlace() {
    DataSetBlock block = DataSetRows.block(List.of(images(2, 0), images(1, 100)).iterator());
    assertThat(block.shape().toInfo()).isEqualTo(new io.ringmaster.job.data.DatasetInfo(3, 2, 1, 2, 3));
    assertThat(block.values()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 102, 103);
    assertThat(block.labels()).containsExactly(0, 1, 0);
    PartitionRows rows = DataSetRows.blockReader(4).read(List.of(block).iterator());
    assertThat(rows.trainFeatures()).isSameAs(block.values());
    assertThat(rows.trainLabels()).isSameAs(block.labels());

    DataSet soft = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 2, 1, 2),
        Nd4j.create(new float[][] {{0, 1, 0}, {0.5f, 0.5f, 0}}));
    DataSetBlock refused = DataSetRows.block(List.of(images(1, 0), soft).iterator());
    assertThat(refused.shape().problem()).contains("label row 1").contains("one-hot");
    assertThat(refused.values()).isEmpty();
    assertThatThrownBy(() -> DataSetRows.blockReader(4).read(List.of(refused).iterator()))
        .hasMessageContaining("one-hot");
  }

  @Test
  void shapesMergeAndNameWhatCannotBeTrained() {
    DataSetShape s = DataSetShape.of(images(2, 0)).merge(DataSetShape.NONE).merge(DataSetShape.of(images(3, 0)));
    assertThat(s.toInfo()).isEqualTo(new io.ringmaster.job.data.DatasetInfo(5, 2, 1, 2, 3));

    DataSet soft = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 4), Nd4j.create(new float[][] {{0.5f, 0.5f}, {0, 1}}));
    assertThatThrownBy(() -> s.merge(DataSetShape.of(soft)).toInfo()).hasMessageContaining("one-hot")
        .hasMessageContaining("regression");
    DataSet other = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 4), Nd4j.create(new float[][] {{0, 1}, {1, 0}}));
    assertThatThrownBy(() -> s.merge(DataSetShape.of(other)).toInfo()).hasMessageContaining("differ in shape");
    DataSet series = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 5), Nd4j.create(new float[][] {{0, 1}, {1, 0}}));
    assertThatThrownBy(() -> DataSetShape.of(series).toInfo()).hasMessageContaining("rank 3");
    assertThatThrownBy(() -> DataSetShape.NONE.toInfo()).hasMessageContaining("no examples");
  }
}
