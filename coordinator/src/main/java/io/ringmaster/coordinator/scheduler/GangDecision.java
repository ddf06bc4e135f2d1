package io.ringmaster.coordinator.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * A scheduler's answer when the job manager asks whether a queued job's whole gang of workers can be
 * started now ({@link WorkerScheduler#admit}).
 *
 * @param admitted true: start the job now (its capacity is reserved until it runs or ends)
 * @param reason why not, in plain words, for the job's QUEUED message ("" when admitted)
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

  public static GangDecision waitFor(String reason, Duration retryAfter) {
    return new GangDecision(false, reason, retryAfter);
  }
}
