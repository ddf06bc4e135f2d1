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
 * and a failed task fails the stage. The stage's output (one line per task) is shuffled into a one-task
 * result stage, so the barrier stage is a shuffle map stage, which Spark relaunches whole after a failure
 * (up to {@code spark.stage.maxConsecutiveAttempts} times); a failed barrier result stage is never retried.
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
    // Spark relaunches a failed barrier stage only when it is a shuffle map stage ("Could not recover from a
    // failed barrier ResultStage" otherwise): the shuffle into one partition makes the workers' stage one, and
    // a tiny result stage collects their lines
    return done.toJavaRDD().repartition(1).collect().toArray(String[]::new);
  }
}
