package io.ringmaster.bench.recovery;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.WorkerState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What happened after one kill, read from the job's events (their {@code time_ms} is the coordinator's
 * clock, the same clock the kill was timed with). Every time is in seconds after the SIGKILL; NaN when
 * the moment never came.
 *
 * <ul>
 *   <li>{@code exitedS}: this JVM (the coordinator's) saw the killed process exit;
 *   <li>{@code detectedS}: the coordinator names the killed pid as lost (a {@code WORKERS_CHANGED} notice);
 *   <li>{@code reformedS}: "ring re-formed": the first {@code ring generation N ...} notice of a generation
 *       after the killed one (survivors paused at a step boundary, the new ring assigned);
 *   <li>{@code runningS}: the first ring after the kill has every member ready and is sent
 *       {@code RunEpoch} (its first {@code PROGRESS} event, at the resume step);
 *   <li>{@code resumedS}: "training resumed": the first {@code PROGRESS} event of a generation after the
 *       killed one whose (epoch, step) is past the (epoch, step) that generation resumed at (a step was
 *       completed: the start of the next epoch after a resume at an epoch's end does not count). Workers report
 *       progress every 300 ms and the coordinator publishes it at most 4 times a second, so this is up to
 *       ~0.5 s later than the first step actually completed ({@code stepsAtResume} says how many steps the
 *       ring had done by then);
 *   <li>{@code fullS}: the same for the first generation that again has {@code workers} active ranks (a
 *       replacement joined and fetched the state).
 * </ul>
 *
 * @param resumeEpoch epoch the first ring after the kill resumed at (0 if none)
 * @param resumeStep completed steps of that epoch the ring resumed at
 * @param resumeWorkers active ranks of the ring that resumed training first
 * @param stepsAtResume steps past the resume step when {@code resumedS} was seen
 * @param generations rings formed after the kill up to the one at full strength (or to the end)
 */
record RecoveryTimeline(double exitedS, double detectedS, double reformedS, double runningS, double resumedS,
    double fullS, int resumeEpoch, long resumeStep, int resumeWorkers, long stepsAtResume, int generations) {

  /**
   * A point of training: epoch and completed steps in it, and the steps completed since the job began
   * (every epoch has the same number of steps), which orders points across epoch ends.
   */
  private record Cursor(int epoch, long step, long global) {
    static Cursor of(Job j) {
      Progress p = j.getProgress();
      return new Cursor(p.getEpoch(), p.getStep(), Math.max(0, p.getEpoch() - 1) * p.getStepsInEpoch() + p.getStep());
    }

    boolean after(Cursor o) {
      return global > o.global;
    }
  }

  /**
   * Reads the timeline of {@code kill} from a job's events (in stream order); {@code exitedS} is when the
   * process was seen to exit, {@code workers} is full strength.
   */
  static RecoveryTimeline of(Kill kill, double exitedS, List<JobEvent> events, int workers) {
    double detected = Double.NaN;
    double reformed = Double.NaN;
    double running = Double.NaN;
    double resumed = Double.NaN;
    double full = Double.NaN;
    int resumeEpoch = 0;
    long resumeStep = 0;
    int resumeWorkers = 0;
    long stepsAtResume = 0;
    Map<Long, Cursor> resumeOf = new HashMap<>();
    long lastGeneration = kill.generation();
    String victim = "pid " + kill.pid() + " ";
    for (JobEvent e : events) {
      if (e.getTimeMs() < kill.timeMs()) {
        continue;
      }
      double t = (e.getTimeMs() - kill.timeMs()) / 1000.0;
      Job job = e.getJob();
      long gen = job.getGeneration();
      lastGeneration = Math.max(lastGeneration, gen);
      String notice = e.getNotice();
      if (Double.isNaN(detected) && notice.contains(victim) && notice.contains(" lost")) {
        detected = t;
      }
      if (Double.isNaN(reformed) && gen > kill.generation() && notice.startsWith("ring generation ")) {
        reformed = t;
      }
      if (e.getKind() != JobEvent.Kind.PROGRESS || gen <= kill.generation()) {
        continue;
      }
      Cursor at = Cursor.of(job);
      Cursor from = resumeOf.get(gen);
      if (from == null) {
        resumeOf.put(gen, at);
        if (Double.isNaN(running)) {
          running = t;
        }
        continue;
      }
      if (!at.after(from)) {
        continue;
      }
      int active = activeRanks(job);
      if (Double.isNaN(resumed)) {
        resumed = t;
        resumeEpoch = from.epoch();
        resumeStep = from.step();
        resumeWorkers = active;
        stepsAtResume = at.global() - from.global();
      }
      if (active >= workers) {
        full = t;
        return new RecoveryTimeline(exitedS, detected, reformed, running, resumed, full, resumeEpoch, resumeStep,
            resumeWorkers, stepsAtResume, (int) (gen - kill.generation()));
      }
    }
    return new RecoveryTimeline(exitedS, detected, reformed, running, resumed, full, resumeEpoch, resumeStep,
        resumeWorkers, stepsAtResume, (int) (lastGeneration - kill.generation()));
  }

  private static int activeRanks(Job job) {
    return (int) job.getWorkersList().stream()
        .filter(w -> w.getRank() >= 0 && w.getState() == WorkerState.WORKER_ACTIVE).count();
  }
}
