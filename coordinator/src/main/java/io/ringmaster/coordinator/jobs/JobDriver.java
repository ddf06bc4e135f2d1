package io.ringmaster.coordinator.jobs;

import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.SchedulerException;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.coordinator.workers.WorkerSession;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.proto.v1.WorkerActivity;
import io.ringmaster.proto.v1.WorkerMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin, effectful half of a job: turns what happens to the job (worker sessions attaching, their
 * messages and heartbeats, process exits, timers, cancel) into {@link JobInput events} for its
 * {@link JobLifecycle}, on the job's own single thread, and carries out the {@link JobAction actions}
 * the lifecycle returns: sends on worker streams, launches and evictions through the scheduler, timers
 * on the shared {@code ScheduledExecutorService}, the store and the event hub. Every decision is the
 * lifecycle's; readers get an immutable {@link #snapshot()}.
 */
final class JobDriver {
  private static final Logger log = LoggerFactory.getLogger(JobDriver.class);

  private final JobServices services;
  private final JobLifecycle lifecycle;
  private final ValidatedJob validated;
  private final Path jobDir;
  /** The job's thread: every event is handled here, in order. */
  private final ExecutorService thread;
  /** Workers by session and back: the lifecycle only sees refs (job thread only). */
  private final Map<WorkerSession, WorkerRef> refs = new IdentityHashMap<>();
  private final Map<WorkerRef, WorkerSession> sessions = new HashMap<>();
  private long attachments;
  private final Map<JobTimer, ScheduledFuture<?>> timers = new HashMap<>();
  private final boolean resuming;
  private final RecoveryPlan.CheckpointCursor resumeFrom;

  /**
   * @param thread the job's single thread (from {@link JobServices#newJobThread(String)}); shut down when
   *     the job ends
   * @param resumeFrom for a job resumed after a coordinator restart: its newest valid checkpoint (null:
   *     start over from epoch 1); ignored for a new job
   */
  JobDriver(JobServices services, Job stored, ValidatedJob validated, boolean resuming,
      RecoveryPlan.CheckpointCursor resumeFrom, ExecutorService thread) {
    this.services = services;
    this.validated = validated;
    this.jobDir = Path.of(stored.getJobDir());
    this.thread = thread;
    this.resuming = resuming;
    this.resumeFrom = resumeFrom;
    this.lifecycle = new JobLifecycle(stored, validated, validated.specProto(), resuming,
        resumeFrom, services.scheduler().launchesWorkers(), services.settings(), services.nanoClock(),
        services.wallClock());
  }

  String id() {
    return lifecycle.id();
  }

  /** The job as of the last handled event. */
  Job snapshot() {
    return lifecycle.snapshot();
  }

  /** The validated job, for queueing it again. */
  ValidatedJob validated() {
    return validated;
  }

  /** True for a job resumed after a coordinator restart. */
  boolean resuming() {
    return resuming;
  }

  /** Where a resumed job resumes from (null: the start). */
  RecoveryPlan.CheckpointCursor resumeFrom() {
    return resumeFrom;
  }

  /** The scheduler removed the job's workers: its gang could not be placed in time. */
  void gangReleased(String reason) {
    run(() -> feed(new JobInput.GangReleased(reason)));
  }

  /** Silence after which a worker of this job is declared dead. */
  long workerTimeoutNanos() {
    return (long) (validated.spec().ft().workerTimeoutS() * 1e9);
  }

  /** See {@link JobLifecycle#claimFreeWorkerSlot()}; any thread. */
  boolean claimFreeWorkerSlot() {
    return lifecycle.claimFreeWorkerSlot();
  }

  // ---------------------------------------------------------------- entry points (any thread)

  void start(Provenance provenance) {
    run(() -> {
      int existing = 0;
      String error = null;
      try {
        Files.createDirectories(jobDir.resolve("logs"));
        try (var files = Files.list(jobDir.resolve("logs"))) {
          existing = (int) files.filter(f -> f.getFileName().toString().startsWith("worker-")).count();
        }
      } catch (IOException e) {
        error = "cannot create job directory " + jobDir + ": " + e;
      }
      feed(new JobInput.Start(provenance, existing, error));
    });
  }

  void attached(WorkerSession s) {
    run(() -> feed(new JobInput.Attached(ref(s))));
  }

  /** A whole gang of free workers handed over at once (gang admission); see {@link JobInput.AttachedGang}. */
  void attachedGang(List<WorkerSession> gang) {
    List<WorkerSession> copy = List.copyOf(gang);
    run(() -> feed(new JobInput.AttachedGang(copy.stream().map(this::ref).toList())));
  }

  void message(WorkerSession s, WorkerMessage m) {
    run(() -> feed(new JobInput.Message(ref(s), m)));
  }

  /** A heartbeat's activity: what the worker says it is doing (read by the no-progress watchdog). */
  void activity(WorkerSession s, WorkerActivity a) {
    long receivedAt = services.nanoClock().getAsLong(); // now, not when the job's thread gets to it
    run(() -> feed(new JobInput.Activity(ref(s), a, receivedAt)));
  }

  /** A worker's control stream ended. */
  void detached(WorkerSession s, String why) {
    run(() -> feed(new JobInput.Detached(ref(s), why)));
  }

  void workerExited(WorkerExit exit) {
    run(() -> feed(new JobInput.Exited(exit)));
  }

  void unresponsive(WorkerSession s, long silentMillis) {
    run(() -> feed(new JobInput.Unresponsive(ref(s), silentMillis)));
  }

  void checkpointStored(CheckpointRef ref) {
    run(() -> feed(new JobInput.CheckpointStored(ref)));
  }

  /** Tells the user something about the job (e.g. a corrupt checkpoint was skipped). */
  void notice(String text) {
    run(() -> feed(new JobInput.Notice(text)));
  }

  /**
   * The coordinator is shutting down cleanly: release the workers but leave the job's state as it is,
   * so that a coordinator restarted on the same store resumes it from its newest checkpoint.
   */
  CompletableFuture<Job> suspend() {
    return runThenSnapshot(new JobInput.Suspend());
  }

  CompletableFuture<Job> cancel(String why) {
    return runThenSnapshot(new JobInput.Cancel(why));
  }

  private CompletableFuture<Job> runThenSnapshot(JobInput input) {
    CompletableFuture<Job> done = new CompletableFuture<>();
    run(() -> {
      feed(input);
      done.complete(snapshot());
    });
    if (thread.isShutdown() && !done.isDone()) {
      done.complete(snapshot());
    }
    return done;
  }

  // ---------------------------------------------------------------- feeding events, carrying out actions

  private WorkerRef ref(WorkerSession s) {
    return refs.computeIfAbsent(s, x -> {
      WorkerRef r = new WorkerRef(++attachments, x.workerId(), x.host(), x.port(), x.pid(), x.slot(), x.logPath(),
          x.devices());
      sessions.put(r, x);
      return r;
    });
  }

  /** Job thread: one event in, its actions carried out in order; a failing action fails the job. */
  private void feed(JobInput input) {
    List<JobAction> actions = lifecycle.handle(input);
    List<JobInput> followUps = new ArrayList<>();
    for (JobAction a : actions) {
      try {
        perform(a, followUps);
      } catch (RuntimeException e) {
        log.error("job {}: internal error carrying out {}", id(), a.getClass().getSimpleName(), e);
        followUps.add(new JobInput.InternalError("coordinator error: " + e));
      }
    }
    for (JobInput next : followUps) {
      feed(next);
    }
  }

  private void perform(JobAction action, List<JobInput> followUps) {
    if (action instanceof JobAction.Send s) {
      session(s.worker()).send(s.message());
    } else if (action instanceof JobAction.Launch l) {
      try {
        services.scheduler().launch(new LaunchRequest(id(), l.firstSlot(), l.count(), jobDir,
            validated.spec().resources(), services.coordinatorTarget(), this::workerExited,
            validated.spec().kubernetes(), this::gangReleased));
      } catch (SchedulerException e) {
        followUps.add(new JobInput.LaunchFailed(e.reason(), e.getMessage()));
      }
    } else if (action instanceof JobAction.Evict e) {
      services.evict(id(), session(e.worker()));
    } else if (action instanceof JobAction.ReleaseUnneeded r) {
      services.releaseUnneeded(session(r.worker()), id());
    } else if (action instanceof JobAction.StartTimer t) {
      cancelTimer(t.timer());
      timers.put(t.timer(), services.timers().schedule(
          () -> run(() -> feed(new JobInput.TimerFired(t.timer(), t.token()))),
          t.delayMillis(), TimeUnit.MILLISECONDS));
    } else if (action instanceof JobAction.CancelTimer t) {
      cancelTimer(t.timer());
    } else if (action instanceof JobAction.Publish p) {
      // numbered events are stored (with their sequence) before they are sent
      services.hub().publish(p.kind(), p.job(), p.extra().toBuilder(), services.store()::put);
    } else if (action instanceof JobAction.Store s) {
      services.store().put(services.hub().stamp(s.job()));
    } else if (action instanceof JobAction.Finished f) {
      services.jobFinished(this, f.freed().stream().map(this::session).toList());
      stop();
    } else if (action instanceof JobAction.Suspended) {
      stop();
    } else if (action instanceof JobAction.Requeued r) {
      stop();
      services.jobRequeued(this, r.reason());
    } else {
      throw new IllegalArgumentException("unknown action " + action);
    }
  }

  private WorkerSession session(WorkerRef w) {
    WorkerSession s = sessions.get(w);
    if (s == null) {
      throw new IllegalStateException("job " + id() + ": no session for " + w);
    }
    return s;
  }

  private void cancelTimer(JobTimer timer) {
    ScheduledFuture<?> f = timers.remove(timer);
    if (f != null) {
      f.cancel(false);
    }
  }

  private void stop() {
    timers.values().forEach(f -> f.cancel(false));
    timers.clear();
    thread.shutdown();
  }

  private void run(Runnable r) {
    try {
      thread.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.error("job {}: internal error", id(), e);
          feed(new JobInput.InternalError("coordinator error: " + e));
        }
      });
    } catch (RejectedExecutionException e) {
      // the job is finished; late events are irrelevant
    }
  }
}
