package io.ringmaster.spark;

import io.ringmaster.worker.WorkerEnvironment;
import io.ringmaster.worker.WorkerRuntime;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task: one Ringmaster worker over one partition.
 *
 * <ol>
 *   <li>Reads the partition's rows into memory ({@link PartitionRows}, through the stage's {@link
 *       PartitionReader}).
 *   <li>{@code allGather}s its training row count, so every task knows every partition's size (the plan of
 *       each epoch depends on all of them) and all tasks have read their rows before any worker attaches.
 *       When the driver already knows the sizes ({@link TaskEndpoint#knownTrainSizes()}: the drop-in's kept
 *       rows, counted when they were made) the task takes them from the broadcast instead and checks its own:
 *       Spark answers a barrier call only on a once-a-second poll, so each {@code allGather} costs ~1 s.
 *   <li>Starts an in-process {@link WorkerRuntime} that attaches to the driver's coordinator (address and job
 *       id from the broadcast {@link TaskEndpoint}) with its partition id as slot, so its rank is its
 *       partition id, and trains on {@link PartitionData} (starting from the broadcast {@link ModelStart}, if
 *       any).
 *   <li>With GPUs assigned to the task ({@code TaskContext.resourcesJMap()}), binds the worker's job thread to
 *       the first one's CUDA device ({@link TaskGpus}).
 *   <li>Waits until the coordinator releases it (the job finished, failed or was cancelled) and returns one
 *       line saying what it did. If the task is killed (its thread interrupted) the worker is closed, which
 *       the coordinator sees as a lost worker.
 * </ol>
 */
final class BarrierWorkerTask<T> extends AbstractFunction1<Iterator<T>, Iterator<String>> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(BarrierWorkerTask.class);

  private final Broadcast<TaskEndpoint> endpoint;
  private final PartitionReader<T> reader;

  BarrierWorkerTask(Broadcast<TaskEndpoint> endpoint, PartitionReader<T> reader) {
    this.endpoint = endpoint;
    this.reader = reader;
  }

  @Override
  public Iterator<String> apply(Iterator<T> input) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    TaskEndpoint to = endpoint.value();
    int partition = ctx.partitionId();
    log.info("partition {}: barrier task started (stage attempt {}, task attempt {})", partition,
        ctx.stageAttemptNumber(), ctx.attemptNumber());
    long t0 = System.nanoTime();
    PartitionRows rows = reader.read(JavaConverters.asJavaIterator(input));
    long t1 = System.nanoTime();
    long[] sizes = to.knownTrainSizes() != null ? knownSizes(to.knownTrainSizes(), partition, rows)
        : gatheredSizes(ctx, rows);
    long t2 = System.nanoTime();
    String readAndGathered = "rows read in " + seconds(t1 - t0) + ", gathered in " + seconds(t2 - t1);
    // the driver's coordinator on loopback (local mode): the workers are in the same JVM, they listen there too
    String host = io.ringmaster.job.security.ExposureCheck.isLoopback(
        io.ringmaster.job.security.ExposureCheck.hostOf(to.coordinatorTarget())) ? "127.0.0.1"
        : hostOf(ctx.getTaskInfos()[partition].address());
    io.ringmaster.job.security.TransportSecurity transport = to.tls().open();
    try (transport) {
      return run(ctx, to, partition, rows, sizes, host, transport, readAndGathered, t2);
    }
  }

  /** Every partition's training rows, from every task of the stage ({@code allGather}: ~1 s, Spark polls it). */
  private static long[] gatheredSizes(BarrierTaskContext ctx, PartitionRows rows) {
    String[] gathered = ctx.allGather(Long.toString(rows.trainCount()));
    long[] sizes = new long[gathered.length];
    for (int i = 0; i < gathered.length; i++) {
      sizes[i] = Long.parseLong(gathered[i]);
    }
    return sizes;
  }

  /** The sizes the driver counted when it kept the rows; this partition's must be what the task read. */
  private static long[] knownSizes(long[] known, int partition, PartitionRows rows) {
    if (partition >= known.length || known[partition] != rows.trainCount()) {
      throw new IllegalStateException("partition " + partition + " holds " + rows.trainCount() + " training rows but"
          + " the driver counted " + (partition < known.length ? known[partition] + "" : "no such partition")
          + " when it kept them (a bug: kept rows changed)");
    }
    return known.clone();
  }

  /**
   * Runs the partition's worker until the coordinator releases it.
   *
   * @param readAndGathered how long reading the rows and the gather took, for the task's line
   * @param workerStart {@code System.nanoTime()} before the worker starts
   */
  private Iterator<String> run(BarrierTaskContext ctx, TaskEndpoint to, int partition, PartitionRows rows,
      long[] sizes, String host, io.ringmaster.job.security.TransportSecurity transport, String readAndGathered,
      long workerStart) {
    log.info("partition {} of {} (stage attempt {}, task attempt {}): {} training and {} test rows; worker on {}"
        + " attaching to {} for job {}", partition, sizes.length, ctx.stageAttemptNumber(), ctx.attemptNumber(),
        rows.trainCount(), rows.testCount(), host, to.coordinatorTarget(), to.jobId());
    var config = new WorkerRuntime.Config(to.coordinatorTarget(), host, 0, to.jobId(),
        "spark-p" + partition + "-s" + ctx.stageAttemptNumber() + "-a" + ctx.attemptNumber(), partition, "", null,
        // TLS with the files the driver named, or plaintext (on loopback, or explicitly insecure); the job's secret
        // proves the task was started for this job either way
        new WorkerRuntime.Security(transport, to.jobSecret(), to.tls().insecure()));
    String why;
    boolean inject = to.fault().appliesTo(partition, ctx.stageAttemptNumber());
    java.util.concurrent.atomic.AtomicBoolean injected = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.ScheduledExecutorService watcher = null;
    java.util.OptionalInt gpu = TaskGpus.device(ctx.resourcesJMap(), System.getenv());
    if (gpu.isPresent()) {
      log.info("partition {}: GPU address(es) {} assigned by Spark: the worker trains on CUDA device {}", partition,
          String.join(",", ctx.resourcesJMap().get(TaskGpus.RESOURCE).addresses()), gpu.getAsInt());
    }
    WorkerEnvironment env = gpu.isPresent() ? TaskGpus.environment(gpu.getAsInt()) : WorkerEnvironment.system();
    try (WorkerRuntime worker = new WorkerRuntime(config, env,
        new PartitionData(rows, partition, sizes, to.start(), to.planEpochOffset()))) {
      worker.start();
      if (inject) {
        watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleAtFixedRate(() -> {
          var a = worker.activity();
          if (a.getKind() == io.ringmaster.proto.v1.WorkerActivity.Kind.TRAINING
              && to.fault().reached(a.getEpoch(), a.getCompletedSteps()) && injected.compareAndSet(false, true)) {
            log.warn("partition {}: injected failure at epoch {} step {} ({})", partition, a.getEpoch(),
                a.getCompletedSteps(), TaskFault.CONF);
            worker.close();
          }
        }, 5, 5, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      why = worker.awaitTermination();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("partition " + partition + ": cannot start the worker's server: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("partition " + partition + ": task killed while training", e);
    } finally {
      if (watcher != null) {
        watcher.shutdownNow();
      }
    }
    if (injected.get()) {
      throw new IllegalStateException("partition " + partition + ": injected task failure (" + TaskFault.CONF + ")");
    }
    String line = "partition " + partition + ": " + rows.trainCount() + " train rows, " + rows.testCount()
        + " test rows, worker ended (" + why + "); " + readAndGathered + ", worker ran "
        + seconds(System.nanoTime() - workerStart);
    return JavaConverters.asScalaIterator(List.of(line).iterator());
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.US, "%.1f s", nanos / 1e9);
  }

  /** The host part of an executor address ({@code host:port}). */
  static String hostOf(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon < 0 ? address : address.substring(0, colon);
    return host.isEmpty() ? "127.0.0.1" : host;
  }
}
