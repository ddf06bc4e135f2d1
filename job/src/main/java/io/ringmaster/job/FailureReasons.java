package io.ringmaster.job;

import io.ringmaster.proto.v1.FailureReason;
import java.util.Locale;

/** How a {@link FailureReason} is shown to people: CamelCase without the prefix ({@code FAILURE_REASON_WORKER_LOST} is "WorkerLost"). */
public final class FailureReasons {
  private FailureReasons() {}

  /** CamelCase name; empty for an unset reason. */
  public static String display(FailureReason r) {
    if (r == null || r == FailureReason.FAILURE_REASON_UNSPECIFIED || r == FailureReason.UNRECOGNIZED) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (String part : r.name().substring("FAILURE_REASON_".length()).split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }
}
