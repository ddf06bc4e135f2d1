package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.data.DatasetInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The drop-in's converted rows kept across fits, on the shared {@code local[2]} context ({@link LocalSpark}):
 * the DataSets are read once per RDD (a test set's too, each worker's share kept with its training rows), one
 * RDD's rows are kept at a time, and nothing stays cached after a refusal or {@code close}.
 */
class ConvertedRowsTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void spark() {
    sc = LocalSpark.context();
  }

  /** {@code count} DataSets of 3 examples with 4 features and 2 classes, in 3 partitions. */
  private static List<DataSet> dataSets(int count, boolean oneHot) {
    List<DataSet> out = new ArrayList<>();
    for (int d = 0; d < count; d++) {
      float[][] y = {{1, 0}, {0, 1}, oneHot ? new float[] {1, 0} : new float[] {0.5f, 0.5f}};
      out.add(new DataSet(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 4), Nd4j.create(y)));
    }
    return out;
  }

  private static boolean persisted(JavaRDD<?> rdd) {
    return sc.getPersistentRDDs().containsKey(rdd.id());
  }

  @Test
  void readsAnRddsDataSetsOnceAndKeepsOnlyTheRddFittedLast() {
    LongAccumulator reads = sc.sc().longAccumulator("DataSets read");
    JavaRDD<DataSet> a = sc.parallelize(dataSets(5, true), 3).map(ds -> {
      reads.add(1);
      return ds;
    });
    try (ConvertedRows rows = new ConvertedRows(2, StorageLevel.MEMORY_ONLY())) {
      ConvertedRows.Entry first = rows.of(a);
      assertThat(first.info()).isEqualTo(new DatasetInfo(15, 1, 1, 4, 2));
      assertThat(first.blocks().getNumPartitions()).isEqualTo(2); // dealt from 3 partitions to one per worker
      assertThat(reads.value()).isEqualTo(5);
      assertThat(persisted(first.blocks())).isTrue();

      ConvertedRows.Entry again = rows.of(a);
      assertThat(again).isSameAs(first);
      List<DataSetBlock> blocks = again.blocks().collect(); // what a barrier stage reads: from the cache
      assertThat(reads.value()).as("DataSets read again after the first fit").isEqualTo(5);
      assertThat(blocks).extracting(b -> b.labels().length).containsExactlyInAnyOrder(9, 6);
      // counted when the blocks were made, in partition order: the barrier tasks take them instead of gathering
      assertThat(first.trainSizes()).containsExactly(first.blocks().glom().collect().stream()
          .mapToLong(part -> part.get(0).labels().length).toArray());

      JavaRDD<DataSet> b = sc.parallelize(dataSets(2, true), 2);
      ConvertedRows.Entry other = rows.of(b);
      assertThat(other.info().samples()).isEqualTo(6);
      assertThat(persisted(first.blocks())).as("the rows of the RDD fitted before").isFalse();
      assertThat(persisted(other.blocks())).isTrue();

      rows.close();
      assertThat(persisted(other.blocks())).isFalse();
    }
  }

  @Test
  void storageLevelNoneKeepsNothingButTheShape() {
    JavaRDD<DataSet> a = sc.parallelize(dataSets(4, true), 2);
    try (ConvertedRows rows = new ConvertedRows(2, StorageLevel.NONE())) {
      ConvertedRows.Entry e = rows.of(a);
      assertThat(e.cached()).isFalse();
      assertThat(e.trainSizes()).as("not counted: each task converts its rows and gathers the sizes").isNull();
      assertThat(persisted(e.blocks())).isFalse();
      assertThat(e.info().samples()).isEqualTo(12);
      assertThat(rows.of(a)).isSameAs(e);

      JavaRDD<DataSet> test = sc.parallelize(dataSets(3, true), 3);
      ConvertedRows.Entry withTest = rows.of(a, test);
      assertThat(withTest.cached()).isFalse();
      assertThat(withTest.testInfo()).isEqualTo(new DatasetInfo(9, 1, 1, 4, 2));
      assertThat(withTest.blocks().collect()).as("converted by each task, the test rows with the training rows")
          .extracting(b -> b.testLabels().length).containsExactlyInAnyOrder(6, 3);
    }
  }

  @Test
  void keepsEachWorkersShareOfTheTestSetWithItsTrainingRows() {
    LongAccumulator trainReads = sc.sc().longAccumulator("training DataSets read");
    LongAccumulator testReads = sc.sc().longAccumulator("test DataSets read");
    JavaRDD<DataSet> train = sc.parallelize(dataSets(5, true), 3).map(ds -> {
      trainReads.add(1);
      return ds;
    });
    // 3 DataSets of 3 examples in 3 partitions: dealt to the 2 workers unevenly (6 and 3 test rows)
    JavaRDD<DataSet> test = sc.parallelize(dataSets(3, true), 3).map(ds -> {
      testReads.add(1);
      return ds;
    });
    try (ConvertedRows rows = new ConvertedRows(2, StorageLevel.MEMORY_ONLY())) {
      ConvertedRows.Entry first = rows.of(train, test);
      assertThat(first.info()).isEqualTo(new DatasetInfo(15, 1, 1, 4, 2));
      assertThat(first.testInfo()).isEqualTo(new DatasetInfo(9, 1, 1, 4, 2));
      assertThat(persisted(first.blocks())).isTrue();

      assertThat(rows.of(train, test)).isSameAs(first);
      List<DataSetBlock> blocks = first.blocks().collect();
      assertThat(trainReads.value()).as("training DataSets read, once").isEqualTo(5);
      assertThat(testReads.value()).as("test DataSets read, once").isEqualTo(3);
      List<PartitionRows> read = blocks.stream().map(b -> DataSetRows.blockReader(4).read(List.of(b).iterator()))
          .toList();
      assertThat(read).extracting(PartitionRows::trainCount).containsExactlyInAnyOrder(9, 6);
      assertThat(read).as("every test row in exactly one worker's rows").extracting(PartitionRows::testCount)
          .containsExactlyInAnyOrder(6, 3);
      assertThat(read.get(0).testFeatures()).hasSize(4 * read.get(0).testCount());

      ConvertedRows.Entry withoutTest = rows.of(train);
      assertThat(withoutTest).as("the same training RDD without the test set is another pair").isNotSameAs(first);
      assertThat(withoutTest.testInfo()).isNull();
      assertThat(persisted(first.blocks())).isFalse();
    }
  }

  @Test
  void aTestSetOfAnotherLayoutIsRefusedAndNothingStaysCached() {
    JavaRDD<DataSet> train = sc.parallelize(dataSets(2, true), 2);
    JavaRDD<DataSet> wide = sc.parallelize(List.of(new DataSet(
        Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 5), Nd4j.create(new float[][] {{1, 0}, {0, 1}}))), 1);
    int before = sc.getPersistentRDDs().size();
    try (ConvertedRows rows = new ConvertedRows(2, StorageLevel.MEMORY_ONLY())) {
      assertThatThrownBy(() -> rows.of(train, wide)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("test data (Builder.testData) has 5 features and 2 classes");
      assertThat(sc.getPersistentRDDs()).hasSize(before);
    }
  }

  @Test
  void dataThatCannotBeTrainedIsRefusedAndNothingStaysCached() {
    JavaRDD<DataSet> soft = sc.parallelize(dataSets(3, false), 2);
    int before = sc.getPersistentRDDs().size();
    try (ConvertedRows rows = new ConvertedRows(2, StorageLevel.MEMORY_ONLY())) {
      assertThatThrownBy(() -> rows.of(soft)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("one-hot");
      assertThat(sc.getPersistentRDDs()).hasSize(before);
    }
  }
}
