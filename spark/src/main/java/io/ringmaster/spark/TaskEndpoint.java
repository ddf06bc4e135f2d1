package io.ringmaster.spark;

import java.io.Serializable;

/**
 * What every barrier task needs from the driver, broadcast once: where the coordinator listens, which job
 * to attach to, and (DL4J drop-in) the model to continue from.
 *
 * @param coordinatorTarget host:port of the driver's embedded coordinator
 * @param jobId the job the tasks' workers serve (they attach with it and their partition id as slot)
 * @param workers the number of tasks in the stage (one worker each)
 * @param fault a failure to inject (tests only; {@link TaskFault#NONE} otherwise)
 * @param start the model every worker starts from when it starts fresh; null: the job's own initial model
 * @param planEpochOffset added to the job's epoch (1-based) to seed the partition-local shuffles ({@code
 *     PartitionPlan}): the drop-in runs one job per {@code fit} call, and the network's epoch counter keeps
 *     successive calls from repeating the same sample order
 * @param jobSecret the job's worker secret, which the tasks' workers present to the coordinator (it travels in
 *     Spark's broadcast: enable {@code spark.network.crypto.enabled} on a shared cluster); never printed
 * @param tls how the workers secure their channels (TLS files as the executors find them, or plaintext)
 * @param knownTrainSizes each partition's training rows when the driver knows them already (the drop-in's kept
 *     rows), so the tasks skip their {@code allGather}; null: the tasks gather them
 */
public record TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault, ModelStart start,
    int planEpochOffset, String jobSecret, SparkTls tls, long[] knownTrainSizes) implements Serializable {
  private static final long serialVersionUID = 5L;

  /** An endpoint whose tasks gather their partitions' sizes. */
  public TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault, ModelStart start,
      int planEpochOffset, String jobSecret, SparkTls tls) {
    this(coordinatorTarget, jobId, workers, fault, start, planEpochOffset, jobSecret, tls, null);
  }

  public TaskEndpoint {
    jobSecret = jobSecret == null ? "" : jobSecret;
    tls = tls == null ? SparkTls.NONE : tls;
  }

  /** An endpoint whose workers use plaintext ({@link SparkTls#INSECURE}: what they did before TLS options). */
  public TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault, ModelStart start,
      int planEpochOffset, String jobSecret) {
    this(coordinatorTarget, jobId, workers, fault, start, planEpochOffset, jobSecret, SparkTls.INSECURE);
  }

  /** A job that trains its own initial model, shuffles seeded by its own epochs, without a job secret. */
  public TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault) {
    this(coordinatorTarget, jobId, workers, fault, null, 0, "");
  }

  /** An endpoint without a job secret. */
  public TaskEndpoint(String coordinatorTarget, String jobId, int workers, TaskFault fault, ModelStart start,
      int planEpochOffset) {
    this(coordinatorTarget, jobId, workers, fault, start, planEpochOffset, "");
  }

  @Override
  public String toString() {
    return "TaskEndpoint[" + coordinatorTarget + ", job " + jobId + ", " + workers + " workers, fault " + fault
        + ", start " + (start == null ? "the job's own" : "given") + ", plan epoch offset " + planEpochOffset
        + ", secret " + (jobSecret.isEmpty() ? "none" : "hidden") + ", " + tls + "]";
  }
}
