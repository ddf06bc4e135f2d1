package io.ringmaster.spark;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Job;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ringmaster job trained inside Spark, the driver as coordinator: what {@code spark-submit}'s {@link
 * RingmasterSparkMain} and the DL4J drop-in {@link RingmasterTrainingMaster} have in common.
 *
 * <ol>
 *   <li>Starts an embedded coordinator ({@link DriverCoordinator}, files under {@code dataDir}), or uses the
 *       one the caller keeps (the drop-in: one for all its {@code fit}s);
 *   <li>submits the job with the shapes the caller counted ({@code submitWithShapes}: the coordinator cannot
 *       read Spark's data) as the job of the one tenant {@link #TENANT} and waits until it is admitted and asks for
 *       its workers;
 *   <li>runs the workers as one barrier stage over the partitions ({@link BarrierStage}), the coordinator's
 *       address, the job id and the model to start from broadcast to the tasks ({@link TaskEndpoint});
 *   <li>returns the job as it ended (each epoch is logged by {@link JobWatch} meanwhile); a coordinator it
 *       started stops on return, so the caller reads the model file ({@code Job.model_path}) before deleting
 *       {@code dataDir}.
 * </ol>
 *
 * @param <T> the partitions' element type
 * @param spec the job (its data paths are labels only)
 * @param train the training data's shape, counted by the caller
 * @param test the test data's shape (0 samples: no test set)
 * @param partitions one partition per worker
 * @param reader turns a partition into the task's rows
 * @param start the model the workers start from (null: the job's own initial model)
 * @param planEpochOffset added to the job's epochs to seed the partition-local shuffles
 * @param fault a task failure to inject (tests)
 */
record BarrierJob<T>(JobSpec spec, DatasetInfo train, DatasetInfo test, RDD<T> partitions, PartitionReader<T> reader,
    ModelStart start, int planEpochOffset, TaskFault fault, long[] knownTrainSizes) {
  private static final Logger log = LoggerFactory.getLogger(BarrierJob.class);

  /** A job whose tasks gather their partitions' training sizes ({@code allGather}). */
  BarrierJob(JobSpec spec, DatasetInfo train, DatasetInfo test, RDD<T> partitions, PartitionReader<T> reader,
      ModelStart start, int planEpochOffset, TaskFault fault) {
    this(spec, train, test, partitions, reader, start, planEpochOffset, fault, null);
  }

  /**
   * The one tenant of a Spark driver's embedded coordinator: its job is recorded as this tenant's
   * ({@code Job.tenant}). The embedded coordinator has no client tokens (every caller of its API is an
   * admin), so the tenant names the job's origin in its record and audit trail; it never widens access.
   */
  static final String TENANT = "spark";

  /**
   * The fault tolerance of a job whose workers are the tasks of one barrier stage. Every partition needs its
   * worker: the ring never trains on fewer (a relaunched stage brings them all back), so {@code minWorkers}
   * is N. Up to 2N may be attached at once: a relaunched stage's tasks attach while the coordinator may not
   * yet have declared the failed attempt's workers lost, and must not be turned away.
   *
   * @param checkpointEverySteps rank 0 checkpoints every this many steps too (0: after each epoch only)
   */
  static FaultToleranceSpec faultTolerance(int workers, int checkpointEverySteps) {
    return new FaultToleranceSpec(workers, 2 * workers, FaultToleranceSpec.UNSET_MAX_REPLACEMENTS, 0,
        checkpointEverySteps, false, 0, 0, 0);
  }

  /**
   * Runs the job and blocks until it has ended.
   *
   * @param dataDir the coordinator's files (checkpoints, the model)
   * @param admitTimeout how long to wait for the coordinator to admit the job
   * @return the job as it ended: SUCCEEDED (its model at {@code getModelPath()}), FAILED or CANCELLED
   * @throws io.ringmaster.job.spec.InvalidSpecException if the coordinator refuses the job (message per field)
   * @throws RuntimeException what the barrier stage threw (the job is cancelled first); {@link
   *     SparkPreflight#explainSlots} rewords Spark's refusal for lack of task slots
   */
  Job run(JavaSparkContext sc, Path dataDir, Duration admitTimeout)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    return run(sc, dataDir, admitTimeout, SparkTls.INSECURE);
  }

  /** {@link #run(JavaSparkContext, Path, Duration, SparkTls, FitTimings)} with the system clock's timings. */
  Job run(JavaSparkContext sc, Path dataDir, Duration admitTimeout, SparkTls tls)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    return run(sc, dataDir, admitTimeout, tls, FitTimings.system());
  }

  /**
   * {@link #run(JavaSparkContext, Path, Duration)} with the application's channels secured as {@code tls} says
   * (the embedded coordinator serves with its files, which must name {@code spark.driver.host}; the tasks'
   * workers use them as the executors find them), recording its phases in {@code timings}: {@code
   * coordinator} (start, submit, admission), {@code barrier stage} (until every task returned; the training
   * time the job reported as its detail) and {@code job end}.
   *
   * @throws IllegalStateException (an {@code ExposureCheck} refusal) on a cluster without TLS or insecure
   * @throws IllegalArgumentException if a TLS file cannot be read on the driver
   */
  Job run(JavaSparkContext sc, Path dataDir, Duration admitTimeout, SparkTls tls, FitTimings timings)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    try (DriverCoordinator coordinator = DriverCoordinator.start(sc, dataDir, tls)) {
      return run(sc, coordinator, admitTimeout, timings);
    }
  }

  /**
   * Runs the job on a coordinator the caller keeps running (the drop-in's, one for all its {@code fit}s) and
   * blocks until it has ended; the tasks' workers secure their channels as the coordinator does ({@link
   * DriverCoordinator#tls}). The job stays on the coordinator (its model file at {@code getModelPath()})
   * until the caller deletes it.
   */
  Job run(JavaSparkContext sc, DriverCoordinator coordinator, Duration admitTimeout, FitTimings timings)
      throws InterruptedException, ExecutionException, TimeoutException {
    Job job = coordinator.jobs().submitWithShapes(SpecProtos.toProto(spec), train, test, TENANT);
    JobWatch watch = JobWatch.start(coordinator.jobs(), job.getId(), spec.epochs());
    io.ringmaster.coordinator.scheduler.LaunchRequest launch;
    try {
      launch = coordinator.scheduler().asked(job.getId()).get(admitTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException | ExecutionException e) {
      coordinator.jobs().cancel(job.getId());
      throw e;
    }
    TaskEndpoint endpoint = new TaskEndpoint(coordinator.target(), job.getId(), spec.workers(),
        fault, start, planEpochOffset, launch.jobSecret(), coordinator.tls(), knownTrainSizes);
    timings.lap("coordinator");
    try {
      for (String line : BarrierStage.run(sc, partitions, reader, endpoint)) {
        log.info("{}", line);
      }
    } catch (RuntimeException e) {
      coordinator.jobs().cancel(job.getId());
      throw e;
    }
    timings.lap("barrier stage");
    try {
      Job end = watch.end().get(1, TimeUnit.MINUTES);
      timings.lap("job end");
      double training = 0;
      for (var e : end.getEpochsList()) {
        training += e.getDurationS();
      }
      timings.detail("barrier stage", String.format(Locale.US, "training %.1f s", training));
      return end;
    } catch (TimeoutException e) {
      Job now = coordinator.jobs().get(job.getId()).orElse(job);
      log.error("every task of the barrier stage has returned but job {} is still {} ({}) a minute later;"
          + " cancelling it", job.getId(), io.ringmaster.job.JobState.shortName(now.getState()).toLowerCase(Locale.ROOT), now.getMessage());
      coordinator.jobs().cancel(job.getId());
      return watch.end().get(1, TimeUnit.MINUTES);
    }
  }
}
