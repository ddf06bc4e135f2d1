package io.ringmaster.spark;

import io.ringmaster.job.data.DatasetInfo;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * The DL4J drop-in's training rows for the RDD it was last asked to fit (and the test rows of its test set,
 * {@link RingmasterTrainingMaster.Builder#testData}), kept across {@code fit} calls: the usual loop ({@code for
 * each epoch: sparkNet.fit(rdd)}) converts and checks the RDDs' DataSets once, not once per epoch.
 *
 * <p>For an RDD it has not seen, {@link #of} builds the RDD of converted partitions: the DataSets dealt into
 * one partition per worker ({@link DataSetPartitions}; none moved when the RDD already has that many), each
 * partition turned into one {@link DataSetBlock} ({@link DataSetRows#block}; with a test set, partition p of
 * the dealt test DataSets is zipped in as the block's test rows, {@link TrainAndTestDataSets}, so worker p
 * evaluates its share and every test row is evaluated once per epoch), persisted at the storage level
 * given (default {@code MEMORY_ONLY}), and runs ONE ordinary Spark job over it that both fills the cache and
 * merges the partitions' shapes (examples, layout, classes, or the first reason the data cannot be trained).
 * The barrier stage of every {@code fit} then reads the cached blocks: no DataSet is read, dealt or converted
 * again, and the workers train on the blocks' arrays in place.
 *
 * <p>The cached blocks are locally checkpointed ({@code RDD.localCheckpoint}): the barrier stages over them no
 * longer depend on the RDD's lineage, so their tasks stay small even when the RDD's partitions carry their
 * data (an RDD made with {@code sc.parallelize}: without the cut, every task of every stage over it carries
 * its partition's DataSets). The price is Spark's for local checkpoints: a block lost with its executor cannot
 * be recomputed, so the {@code fit} fails; the master then forgets the blocks ({@link #close}) and the next
 * {@code fit} converts the RDD again.
 *
 * <p>Bounds: it holds ONE RDD's rows (the last one fitted, with its test rows; fitting another RDD, or the same
 * with another test set, unpersists them first, as does
 * {@link #close}), as float arrays of 4 bytes per feature value (Fashion-MNIST's 60,000 x 784: 188 MB,
 * besides the DataSets the user's RDD caches), in Spark's storage memory; a local checkpoint adds disk to the
 * storage level, so blocks that do not fit in memory go to the executors' local disks instead. {@code
 * StorageLevel.NONE()} caches nothing: each barrier task converts its DataSets itself on every {@code fit}
 * (the shape is still counted once per RDD), over the RDD's full lineage.
 *
 * <p>An RDD is recognised by its id within its SparkContext, the rows kept by the ids of the training and the
 * test RDD (RDDs are immutable; a new context numbers its RDDs anew). Not thread-safe beyond {@code synchronized}: one master trains one network at a time.
 */
final class ConvertedRows implements AutoCloseable {
  private final int workers;
  private final StorageLevel level;
  private Entry current;

  private static final int NO_TEST = -1;

  /**
   * @param sourceId the training RDD's id
   * @param testId the test RDD's id ({@code -1}: no test set)
   * @param blocks one block per worker's partition (persisted unless the level is NONE)
   * @param info the training set's shape for the coordinator
   * @param testInfo the test set's shape for the coordinator (null: no test set)
   * @param cached whether {@code blocks} is persisted (else each barrier task converts its DataSets)
   * @param trainSizes each partition's training rows, in partition order, counted when the blocks were made
   *     (null when not cached): the barrier tasks then need not gather them ({@code allGather} costs ~1 s, as
   *     Spark polls its barrier RPC once a second)
   */
  record Entry(SparkContext sc, int sourceId, int testId, JavaRDD<DataSetBlock> blocks, DatasetInfo info,
      DatasetInfo testInfo, boolean cached, long[] trainSizes) {}

  ConvertedRows(int workers, StorageLevel level) {
    this.workers = workers;
    this.level = level;
  }

  /** {@link #of(JavaRDD, JavaRDD)} without a test set. */
  Entry of(JavaRDD<DataSet> data) {
    return of(data, null);
  }

  /**
   * The converted rows of {@code data} and, if not null, {@code test}: the kept ones when they are the RDDs
   * fitted last, else new ones (see the class documentation; the rows kept before are unpersisted first).
   *
   * @throws IllegalArgumentException when the DataSets cannot be trained or evaluated (the message says why;
   *     for the test set it names {@code Builder.testData})
   */
  synchronized Entry of(JavaRDD<DataSet> data, JavaRDD<DataSet> test) {
    SparkContext sc = data.context();
    int testId = test == null ? NO_TEST : test.id();
    if (current != null && current.sc() == sc && current.sourceId() == data.id() && current.testId() == testId
        && !sc.isStopped()) {
      return current;
    }
    close();
    JavaRDD<DataSetBlock> blocks = test == null
        ? DataSetPartitions.forWorkers(data, workers)
            .mapPartitions(dataSets -> List.of(DataSetRows.block(dataSets)).iterator(), true)
        : TrainAndTestDataSets.blocks(data, test, workers);
    boolean cache = level != null && level.isValid();
    Tuple2<DataSetShape, DataSetShape> shapes;
    long[] sizes = null;
    if (!cache) {
      shapes = new Tuple2<>(data.map(DataSetShape::of).fold(DataSetShape.NONE, DataSetShape::merge),
          test == null ? DataSetShape.NONE : test.map(DataSetShape::of).fold(DataSetShape.NONE, DataSetShape::merge));
    } else {
      blocks.setName("Ringmaster training rows of RDD " + data.id() + (test == null ? "" : " and test rows of RDD "
          + test.id())).persist(level);
      // cut the lineage once the blocks exist: a task of a stage over them would otherwise carry its source
      // partition, which for an RDD made by sc.parallelize holds that partition's DataSets (Spark measured
      // 94 MB per task for 30,000 Fashion-MNIST examples, serialized into every barrier stage's tasks)
      blocks.rdd().localCheckpoint();
      try {
        // one small record per partition: its index, shapes and training rows (the merged shapes and the
        // per-partition sizes the barrier tasks would otherwise gather)
        List<Tuple2<Integer, Tuple2<Tuple2<DataSetShape, DataSetShape>, Long>>> parts = blocks.mapPartitionsWithIndex(
            (index, it) -> {
              DataSetShape train = DataSetShape.NONE;
              DataSetShape testShape = DataSetShape.NONE;
              long rows = 0;
              while (it.hasNext()) {
                DataSetBlock b = it.next();
                train = train.merge(b.shape());
                testShape = testShape.merge(b.testShape());
                rows += b.labels().length;
              }
              return List.of(new Tuple2<>(index, new Tuple2<>(new Tuple2<>(train, testShape), rows))).iterator();
            }, true).collect();
        DataSetShape train = DataSetShape.NONE;
        DataSetShape testShape = DataSetShape.NONE;
        sizes = new long[parts.size()];
        for (var part : parts) {
          train = train.merge(part._2()._1()._1());
          testShape = testShape.merge(part._2()._1()._2());
          sizes[part._1()] = part._2()._2();
        }
        shapes = new Tuple2<>(train, testShape);
      } catch (RuntimeException e) {
        blocks.unpersist(false);
        throw e;
      }
    }
    try {
      DatasetInfo info = shapes._1().toInfo();
      DatasetInfo testInfo = test == null ? null : testInfo(shapes._2(), info);
      current = new Entry(sc, data.id(), testId, blocks, info, testInfo, cache, sizes);
    } catch (IllegalArgumentException e) {
      if (cache) {
        blocks.unpersist(false);
      }
      throw e;
    }
    return current;
  }

  /** The test set's shape, which must match the training set's: as many features per example, labels as wide. */
  private static DatasetInfo testInfo(DataSetShape shape, DatasetInfo train) {
    DatasetInfo t;
    try {
      t = shape.toInfo();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RingmasterTrainingMaster: the test data (Builder.testData): " + e.getMessage(), e);
    }
    if (t.features() != train.features() || t.classes() != train.classes()) {
      throw new IllegalArgumentException("RingmasterTrainingMaster: the test data (Builder.testData) has " + t.features() + " features and "
          + t.classes() + " classes per example, the training data " + train.features() + " and " + train.classes()
          + ": give DataSets of the same layout and one-hot width");
    }
    return new DatasetInfo(t.samples(), train.channels(), train.height(), train.width(), train.classes());
  }

  /** Unpersists the rows kept, if any. */
  @Override
  public synchronized void close() {
    if (current != null) {
      if (current.cached() && !current.sc().isStopped()) {
        current.blocks().unpersist(false);
      }
      current = null;
    }
  }
}
