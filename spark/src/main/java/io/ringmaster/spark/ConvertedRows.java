package io.ringmaster.spark;

import io.ringmaster.job.data.DatasetInfo;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The DL4J drop-in's training rows for the RDD it was last asked to fit, kept across {@code fit} calls: the
 * usual loop ({@code for each epoch: sparkNet.fit(rdd)}) converts and checks the RDD's DataSets once, not
 * once per epoch.
 *
 * <p>For an RDD it has not seen, {@link #of} builds the RDD of converted partitions: the DataSets dealt into
 * one partition per worker ({@link DataSetPartitions}; none moved when the RDD already has that many), each
 * partition turned into one {@link DataSetBlock} ({@link DataSetRows#block}), persisted at the storage level
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
 * <p>Bounds: it holds ONE RDD's rows (the last one fitted; fitting another RDD unpersists them first, as does
 * {@link #close}), as float arrays of 4 bytes per feature value (Fashion-MNIST's 60,000 x 784: 188 MB,
 * besides the DataSets the user's RDD caches), in Spark's storage memory; a local checkpoint adds disk to the
 * storage level, so blocks that do not fit in memory go to the executors' local disks instead. {@code
 * StorageLevel.NONE()} caches nothing: each barrier task converts its DataSets itself on every {@code fit}
 * (the shape is still counted once per RDD), over the RDD's full lineage.
 *
 * <p>An RDD is recognised by its id within its SparkContext (RDDs are immutable; a new context numbers its
 * RDDs anew). Not thread-safe beyond {@code synchronized}: one master trains one network at a time.
 */
final class ConvertedRows implements AutoCloseable {
  private final int workers;
  private final StorageLevel level;
  private Entry current;

  /**
   * @param blocks one block per worker's partition (persisted unless the level is NONE)
   * @param info the training set's shape for the coordinator
   * @param cached whether {@code blocks} is persisted (else each barrier task converts its DataSets)
   */
  record Entry(SparkContext sc, int sourceId, JavaRDD<DataSetBlock> blocks, DatasetInfo info, boolean cached) {}

  ConvertedRows(int workers, StorageLevel level) {
    this.workers = workers;
    this.level = level;
  }

  /**
   * The converted rows of {@code data}: the kept ones when {@code data} is the RDD fitted last, else new ones
   * (see the class documentation; the RDD fitted before is unpersisted first).
   *
   * @throws IllegalArgumentException when the DataSets cannot be trained (the message says why)
   */
  synchronized Entry of(JavaRDD<DataSet> data) {
    SparkContext sc = data.context();
    if (current != null && current.sc() == sc && current.sourceId() == data.id() && !sc.isStopped()) {
      return current;
    }
    close();
    JavaRDD<DataSetBlock> blocks = DataSetPartitions.forWorkers(data, workers)
        .mapPartitions(dataSets -> List.of(DataSetRows.block(dataSets)).iterator(), true);
    boolean cache = level != null && level.isValid();
    DatasetInfo info;
    if (!cache) {
      info = data.map(DataSetShape::of).fold(DataSetShape.NONE, DataSetShape::merge).toInfo();
    } else {
      blocks.setName("Ringmaster training rows of RDD " + data.id()).persist(level);
      // cut the lineage once the blocks exist: a task of a stage over them would otherwise carry its source
      // partition, which for an RDD made by sc.parallelize holds that partition's DataSets (Spark measured
      // 94 MB per task for 30,000 Fashion-MNIST examples, serialized into every barrier stage's tasks)
      blocks.rdd().localCheckpoint();
      try {
        info = blocks.map(DataSetBlock::shape).fold(DataSetShape.NONE, DataSetShape::merge).toInfo();
      } catch (RuntimeException e) {
        blocks.unpersist(false);
        throw e;
      }
    }
    current = new Entry(sc, data.id(), blocks, info, cache);
    return current;
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
