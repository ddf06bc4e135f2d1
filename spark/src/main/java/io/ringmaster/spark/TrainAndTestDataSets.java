package io.ringmaster.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The DL4J drop-in's training and test DataSets side by side, one partition per worker, for the per-epoch
 * test set ({@link RingmasterTrainingMaster.Builder#testData}). Each set is brought to one partition per
 * worker on its own ({@link DataSetPartitions}), then partition p of both are zipped ({@code zipPartitions}:
 * no further shuffle) and converted into ONE block ({@link DataSetRows#block(java.util.Iterator,
 * java.util.Iterator)}: partition p's training rows and its test rows); worker p trains on its training rows
 * and evaluates all of its test rows, so every test row is evaluated exactly once per epoch. {@link
 * ConvertedRows} caches these blocks like the training-only ones.
 */
final class TrainAndTestDataSets {
  private TrainAndTestDataSets() {}

  /** Partition p holds one block: partition p of {@code train} as training rows, of {@code test} as test rows. */
  static JavaRDD<DataSetBlock> blocks(JavaRDD<DataSet> train, JavaRDD<DataSet> test, int workers) {
    return DataSetPartitions.forWorkers(train, workers).zipPartitions(DataSetPartitions.forWorkers(test, workers),
        (t, e) -> List.of(DataSetRows.block(t, e)).iterator());
  }
}
