package io.ringmaster.bench.recovery;

import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * Runs one benchmark job to its end on the coordinator: undisturbed with a given checkpoint interval, or
 * disturbed by killing one worker at a random step. A job that overruns the timeout is cancelled and
 * reported as it stands.
 */
final class BenchRun {
  private final BenchCoordinator coordinator;
  private final BenchOptions options;

  BenchRun(BenchCoordinator coordinator, BenchOptions options) {
    this.coordinator = coordinator;
    this.options = options;
  }

  /** A job left alone, checkpointing at epoch ends and every {@code checkpointEvery} steps (if > 0). */
  RunResult undisturbed(int round, int checkpointEvery) throws InterruptedException {
    double load = LoadAverage.oneMinute();
    Job submitted = coordinator.submit(JobSpecs.mlp(options, "recbench-k" + checkpointEvery, checkpointEvery));
    CpuMeter cpu = new CpuMeter(options.epochs());
    JobWatch watch = coordinator.watch(submitted.getId(), cpu);
    Job end = awaitEnd(submitted.getId(), watch);
    return new RunResult(round, checkpointEvery, end, CheckpointCounts.inJobDir(Path.of(end.getJobDir())), load,
        cpu.seconds(), Optional.empty());
  }

  /**
   * A job (checkpoints at epoch ends only) whose worker of a random rank is killed with SIGKILL at a random
   * step of a random epoch, all drawn from {@code chaos}.
   */
  RunResult disturbed(int round, Random chaos) throws InterruptedException {
    double load = LoadAverage.oneMinute();
    Job submitted = coordinator.submit(JobSpecs.mlp(options, "recbench-kill", 0));
    int steps = ShardPlan.of(options.trainSeed(), 1, (int) submitted.getTrainSamples(), options.batch()).steps();
    KillPlan plan = KillPlan.draw(chaos, options.workers(), options.epochs(), steps);
    Killer killer = new Killer(plan);
    CpuMeter cpu = new CpuMeter(options.epochs());
    JobWatch watch = coordinator.watch(submitted.getId(), e -> {
      killer.onEvent(e);
      cpu.onEvent(e);
    });
    Job end = awaitEnd(submitted.getId(), watch);
    Optional<Kill> kill = killer.kill();
    Optional<String> problem = killer.problem();
    if (kill.isEmpty() && problem.isEmpty()) {
      problem = Optional.of("the job ended (" + io.ringmaster.job.JobState.shortName(end.getState()) + ") before reaching the planned step");
    }
    Optional<RecoveryTimeline> timeline = kill.map(k -> RecoveryTimeline.of(k, killer.exitedAfterS(), watch.events(),
        options.workers()));
    return new RunResult(round, 0, end, CheckpointCounts.inJobDir(Path.of(end.getJobDir())), load, cpu.seconds(),
        Optional.of(new Disturbance(plan, kill, problem, timeline)));
  }

  private Job awaitEnd(String jobId, JobWatch watch) throws InterruptedException {
    try {
      return watch.awaitEnd(options.jobTimeout());
    } catch (IllegalStateException e) {
      System.out.println("# job " + jobId + ": " + e.getMessage() + "; cancelling it");
      Job j = coordinator.cancel(jobId);
      return j.getState() == JobState.JOB_STATE_CANCELLED || j.getState() == JobState.JOB_STATE_FAILED ? j
          : j.toBuilder().setState(JobState.JOB_STATE_FAILED).setMessage(e.getMessage()).build();
    }
  }
}
