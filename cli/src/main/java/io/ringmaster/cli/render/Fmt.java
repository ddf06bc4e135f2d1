package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerState;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, time and name formatting shared by the renderers. Always English digits and separators. */
public final class Fmt {
  private static final Locale L = Locale.US;
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", L);

  private Fmt() {}

  /** {@code 60000} -> {@code 60,000}. */
  public static String count(long n) {
    return String.format(L, "%,d", n);
  }

  /** A rate rounded to a whole number with thousands separators: {@code 4870.4} -> {@code 4,870}. */
  public static String rate(double perSecond) {
    if (!Double.isFinite(perSecond)) {
      return "-";
    }
    return String.format(L, "%,.0f", perSecond);
  }

  /** A loss with four decimals; {@code nan} or {@code inf} when not finite. */
  public static String loss(double loss) {
    if (Double.isNaN(loss)) {
      return "nan";
    }
    if (Double.isInfinite(loss)) {
      return loss > 0 ? "inf" : "-inf";
    }
    return String.format(L, "%.4f", loss);
  }

  /** A fraction in [0, 1] as a percentage with two decimals: {@code 0.8515} -> {@code 85.15%}. */
  public static String percent(double fraction) {
    return String.format(L, "%.2f%%", fraction * 100);
  }

  /** Seconds with one decimal: {@code 12.34} -> {@code 12.3 s}. */
  public static String seconds(double s) {
    return String.format(L, "%.1f s", s);
  }

  /** A duration as a clock: {@code 32} -> {@code 0:32}, {@code 3723} -> {@code 1:02:03}. */
  public static String clock(long totalSeconds) {
    long s = Math.max(0, totalSeconds);
    if (s >= 3600) {
      return String.format(L, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(L, "%d:%02d", s / 60, s % 60);
  }

  /** Unix epoch milliseconds as local date and time; {@code -} for 0 (not reached). */
  public static String timestamp(long epochMs, ZoneId zone) {
    if (epochMs <= 0) {
      return "-";
    }
    return TIMESTAMP.format(Instant.ofEpochMilli(epochMs).atZone(zone));
  }

  /**
   * The size of the job's ring: its members (rank >= 0) that are not lost. The job's {@code workers}
   * list also holds joiners (rank -1) and workers that left (state LOST), so its length is not a worker
   * count: after re-admissions it grows past the number of workers the job trains on.
   */
  public static int ringSize(Job job) {
    return (int) job.getWorkersList().stream()
        .filter(w -> w.getRank() >= 0 && w.getState() != WorkerState.WORKER_LOST).count();
  }

  /** {@code 1 worker}, {@code 2 workers}. */
  public static String plural(long n, String singular) {
    return n + " " + singular + (n == 1 ? "" : "s");
  }

  /** The job's state name as users know it ({@code RUNNING}). */
  public static String state(JobState s) {
    return s == JobState.JOB_STATE_UNSPECIFIED ? "UNKNOWN" : io.ringmaster.job.JobState.shortName(s);
  }

  /** A worker state without its prefix: {@code WORKER_ACTIVE} -> {@code ACTIVE}. */
  public static String state(WorkerState s) {
    return s == WorkerState.WORKER_STATE_UNSPECIFIED ? "UNKNOWN" : s.name().replaceFirst("^WORKER_", "");
  }

  /** A short description of the model: {@code mlp [256, 128] relu}, {@code lenet}, {@code dl4j-json}. */
  public static String model(JobSpec spec) {
    return switch (spec.getModel().getKindCase()) {
      case BUILTIN -> {
        var b = spec.getModel().getBuiltin();
        if (!"mlp".equals(b.getArchitecture())) {
          yield b.getArchitecture();
        }
        String hidden = b.getHiddenCount() == 0 ? "" : " " + b.getHiddenList();
        String act = b.getActivation().isEmpty() ? "" : " " + b.getActivation();
        yield "mlp" + hidden + act;
      }
      case DL4J_JSON -> "dl4j-json";
      case KIND_NOT_SET -> "-";
    };
  }

  /** Whether a job in this state will not change any more. */
  public static boolean isTerminal(JobState s) {
    return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED;
  }
}
