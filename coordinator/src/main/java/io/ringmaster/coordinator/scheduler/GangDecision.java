package io.ringmaster.coordinator.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * A scheduler's answer when the job manager asks whether a queued job's whole gang of workers can be
 * started now ({@link WorkerScheduler#admit}).
 *
 * @param admitted true: start the job now (its capacity is reserved until it runs or ends)
 * @param reason why not, in plain words, for the job's QUEUED message; for an admitted job, "" or a note the
 *     job shows as a notice when it starts (e.g. that a batch scheduler places its gang instead)
 * @param retryAfter when to ask again (zero when admitted)
 */
public record GangDecision(boolean admitted, String reason, Duration retryAfter) {
  private static final GangDecision ADMIT = new GangDecision(true, "", Duration.ZERO);

  public GangDecision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(retryAfter, "retryAfter");
  }

  public static GangDecision admit() {
    return ADMIT;
  }

  /** Start the job now, and tell it {@code note} (who places its workers, if not the scheduler's own admission). */
  public static GangDecision admitWithNote(String note) {
    return new GangDecision(true, note, Duration.ZERO);
  }

  public static GangDecision waitFor(String reason, Duration retryAfter) {
    return new GangDecision(false, reason, retryAfter);
  }
}
