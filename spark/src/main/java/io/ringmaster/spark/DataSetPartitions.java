package io.ringmaster.spark;

import java.util.Iterator;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * Brings a {@code JavaRDD<DataSet>} to exactly one partition per worker, as the barrier stage needs. An RDD
 * that already has that many partitions is used as it is (no shuffle: give the drop-in such an RDD, cached,
 * to train every epoch without moving data). Otherwise the DataSets are dealt round-robin: the k-th DataSet
 * of input partition i goes to partition (i + k) mod N. That is deterministic (a relaunched barrier stage
 * reads the same DataSets in the same partitions, as long as the input partitions' order is) and balanced
 * to within one DataSet per input partition; uneven partitions are fine for the training plan.
 */
final class DataSetPartitions {
  private DataSetPartitions() {}

  static JavaRDD<DataSet> forWorkers(JavaRDD<DataSet> data, int workers) {
    if (data.getNumPartitions() == workers) {
      return data;
    }
    return data.mapPartitionsWithIndex((index, dataSets) -> dealt(index, dataSets, workers), true)
        .mapToPair(t -> t)
        .partitionBy(new HashPartitioner(workers)) // an Integer key k in [0, N) goes to partition k
        .values();
  }

  private static Iterator<Tuple2<Integer, DataSet>> dealt(int index, Iterator<DataSet> dataSets, int workers) {
    return new Iterator<>() {
      private int k;

      @Override
      public boolean hasNext() {
        return dataSets.hasNext();
      }

      @Override
      public Tuple2<Integer, DataSet> next() {
        return new Tuple2<>(Math.floorMod(index + k++, workers), dataSets.next());
      }
    };
  }
}
