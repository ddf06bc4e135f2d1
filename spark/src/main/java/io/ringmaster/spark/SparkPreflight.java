package io.ringmaster.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a barrier stage of N Ringmaster workers needs from the Spark configuration, checked on the driver
 * before anything starts, so a misconfiguration is one clear error instead of a stage that hangs or fails
 * deep inside Spark:
 *
 * <ul>
 *   <li>dynamic allocation off: barrier stages do not support it;
 *   <li>GPUs per executor ({@code spark.executor.resource.gpu.amount}) only together with GPUs per task
 *       ({@code spark.task.resource.gpu.amount}), or tasks would not know which GPU is theirs;
 *   <li>in local mode, at least N task slots ({@code local[K]} runs K tasks at once); on a cluster Spark
 *       itself checks the slots when the stage is submitted ({@link #SLOTS_CHECK_FAILURES}).
 * </ul>
 */
final class SparkPreflight {
  /** How often Spark re-checks the slots of a barrier stage before failing it (Spark's default is 40). */
  static final String SLOTS_CHECK_FAILURES = "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures";
  static final String SLOTS_CHECK_INTERVAL = "spark.scheduler.barrier.maxConcurrentTasksCheck.interval";
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?\\])?");

  private SparkPreflight() {}

  /**
   * Problems with running {@code workers} workers under this configuration; empty when none.
   *
   * @param conf reads a Spark setting ({@code Optional.empty()} when unset)
   * @param availableProcessors the driver machine's cores ({@code local[*]})
   */
  static List<String> problems(Function<String, Optional<String>> conf, int workers, int availableProcessors) {
    List<String> out = new ArrayList<>();
    if (conf.apply("spark.dynamicAllocation.enabled").map(Boolean::parseBoolean).orElse(false)) {
      out.add("spark.dynamicAllocation.enabled is true, but Ringmaster's workers run as one barrier stage, which"
          + " Spark does not support with dynamic allocation: submit with --conf spark.dynamicAllocation.enabled=false"
          + " and enough executors for " + workers + " concurrent tasks");
    }
    double executorGpus = conf.apply("spark.executor.resource.gpu.amount").map(Double::parseDouble).orElse(0.0);
    double taskGpus = conf.apply("spark.task.resource.gpu.amount").map(Double::parseDouble).orElse(0.0);
    if (executorGpus > 0 && taskGpus <= 0) {
      out.add("spark.executor.resource.gpu.amount is " + conf.apply("spark.executor.resource.gpu.amount").orElseThrow()
          + " but spark.task.resource.gpu.amount is not set: each worker task must be given its GPU; submit with"
          + " --conf spark.task.resource.gpu.amount=1 (and a discovery script, spark.executor.resource.gpu.discoveryScript)");
    }
    String master = conf.apply("spark.master").orElse("");
    Matcher m = LOCAL.matcher(master);
    if (m.matches()) {
      int slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? availableProcessors : Integer.parseInt(m.group(1));
      int cpusPerTask = conf.apply("spark.task.cpus").map(Integer::parseInt).orElse(1);
      slots /= Math.max(1, cpusPerTask);
      if (slots < workers) {
        out.add("--workers " + workers + " needs " + workers + " concurrent task slots for its barrier stage, but"
            + " --master " + master + (cpusPerTask > 1 ? " with spark.task.cpus=" + cpusPerTask : "") + " has "
            + slots + ": use --master local[" + workers * Math.max(1, cpusPerTask) + "] or fewer --workers");
      }
    }
    return out;
  }

  /**
   * A clearer message for a stage Spark refused for lack of slots (its {@code BarrierJobAllocationFailed}
   * family), or empty when {@code failure} is something else.
   */
  static Optional<String> explainSlots(Throwable failure, int workers) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String msg = String.valueOf(t.getMessage());
      if (msg.contains("SPARK-24819") || msg.contains("BarrierJobSlotsNumberCheckFailed")
          || msg.contains("more slots than the total number of slots")) {
        return Optional.of("the cluster has fewer free task slots than --workers " + workers + ": a barrier stage"
            + " starts all its tasks at once. Give the application at least " + workers + " concurrent task slots"
            + " (executors x cores / spark.task.cpus) or lower --workers. Spark said: " + firstLine(msg));
      }
    }
    return Optional.empty();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
