package io.ringmaster.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Runs the workers as the tasks of ONE barrier stage over the repartitioned data: Java has no {@code
 * barrier()} on {@code JavaRDD}, so this goes through {@code rdd().barrier().mapPartitions} with a Scala
 * function ({@link BarrierWorkerTask}, generic in the partition's element type) and a {@code ClassTag}. Spark starts all tasks together or none,
 * and a failed task fails the stage. The stage's output (one line per task) is shuffled into a one-task
 * result stage, so the barrier stage is a shuffle map stage, which Spark relaunches whole after a failure
 * (up to {@code spark.stage.maxConsecutiveAttempts} times); a failed barrier result stage is never retried.
 */
final class BarrierStage {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BarrierStage.class);

  private BarrierStage() {}

  /**
   * Blocks until every task has returned; returns one line per partition.
   *
   * @param rows the data, one partition per worker (spark-submit: the union of training and test rows;
   *     the DL4J drop-in: the training DataSets)
   * @param reader turns a partition's elements into the task's rows
   */
  static <T> String[] run(JavaSparkContext sc, RDD<T> rows, PartitionReader<T> reader, TaskEndpoint endpoint) {
    Broadcast<TaskEndpoint> b = sc.broadcast(endpoint);
    if (rows.getNumPartitions() != endpoint.workers()) {
      throw new IllegalStateException("the data has " + rows.getNumPartitions() + " partitions but the job has "
          + endpoint.workers() + " workers");
    }
    ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
    sc.setJobGroup("ringmaster-" + endpoint.jobId(), "Ringmaster job " + endpoint.jobId() + ": "
        + endpoint.workers() + " workers in one barrier stage", true);
    log.info("job {}: submitting the barrier stage of {} tasks", endpoint.jobId(), endpoint.workers());
    RDD<String> done = rows.barrier().mapPartitions(new BarrierWorkerTask<>(b, reader), false, tag);
    // Spark relaunches a failed barrier stage only when it is a shuffle map stage ("Could not recover from a
    // failed barrier ResultStage" otherwise): the shuffle into one partition makes the workers' stage one, and
    // a tiny result stage collects their lines
    return done.toJavaRDD().repartition(1).collect().toArray(String[]::new);
  }
}
