package io.ringmaster.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs the workers as the tasks of ONE barrier stage over the repartitioned data: Java has no {@code
 * barrier()} on {@code JavaRDD}, so this goes through {@code rdd().barrier().mapPartitions} with a Scala
 * function ({@link BarrierWorkerTask}) and a {@code ClassTag}. Spark starts all tasks together or none,
 * and a failed task fails the stage (Spark then relaunches it whole).
 */
final class BarrierStage {
  private BarrierStage() {}

  /**
   * Blocks until every task has returned; returns one line per partition.
   *
   * @param partitions the union of training and test rows, one partition per worker
   */
  static String[] run(JavaSparkContext sc, Dataset<Row> partitions, TaskEndpoint endpoint, int features) {
    Broadcast<TaskEndpoint> b = sc.broadcast(endpoint);
    RDD<Row> rows = partitions.rdd();
    if (rows.getNumPartitions() != endpoint.workers()) {
      throw new IllegalStateException("the data has " + rows.getNumPartitions() + " partitions but the job has "
          + endpoint.workers() + " workers");
    }
    ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
    sc.setJobGroup("ringmaster-" + endpoint.jobId(), "Ringmaster job " + endpoint.jobId() + ": "
        + endpoint.workers() + " workers in one barrier stage", true);
    RDD<String> done = rows.barrier().mapPartitions(new BarrierWorkerTask(b, features), false, tag);
    return (String[]) done.collect();
  }
}
