package io.ringmaster.spark;

import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * The DL4J drop-in's training and test DataSets side by side, one partition per worker, for the per-epoch
 * test set ({@link RingmasterTrainingMaster.Builder#testData}). Each set is brought to one partition per
 * worker on its own ({@link DataSetPartitions}), then partition p of both are zipped ({@code zipPartitions}:
 * no further shuffle) into elements tagged {@code (isTest, DataSet)}; worker p trains on its training rows
 * and evaluates all of its test rows, so every test row is evaluated exactly once per epoch. The tagged
 * pairs live only inside the barrier stage's task (never serialized).
 */
final class TrainAndTestDataSets {
  private TrainAndTestDataSets() {}

  /** Partition p holds partition p of both sets, training DataSets first, each tagged {@code false}, test {@code true}. */
  static JavaRDD<Tuple2<Boolean, DataSet>> forWorkers(JavaRDD<DataSet> train, JavaRDD<DataSet> test, int workers) {
    return DataSetPartitions.forWorkers(train, workers).zipPartitions(DataSetPartitions.forWorkers(test, workers),
        TrainAndTestDataSets::tagged);
  }

  private static Iterator<Tuple2<Boolean, DataSet>> tagged(Iterator<DataSet> train, Iterator<DataSet> test) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return train.hasNext() || test.hasNext();
      }

      @Override
      public Tuple2<Boolean, DataSet> next() {
        return train.hasNext() ? new Tuple2<>(false, train.next()) : new Tuple2<>(true, test.next());
      }
    };
  }

  /** The reader the barrier stage ships to the executors: tagged DataSets as training and test rows. */
  static PartitionReader<Tuple2<Boolean, DataSet>> reader(int features) {
    return tagged -> {
      PartitionRows rows = PartitionRows.empty(features);
      while (tagged.hasNext()) {
        Tuple2<Boolean, DataSet> t = tagged.next();
        DataSetRows.add(rows, t._2(), t._1());
      }
      return rows;
    };
  }
}
