package io.ringmaster.worker.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a training step's time goes, phase by phase: wall time and CPU time of the training thread, summed
 * over the steps since the last {@link #take()}. Off by default ({@link #off()}: every call returns at once);
 * the worker turns it on with {@code RINGMASTER_STEP_PHASES=1} and the benchmarks with their own flag.
 *
 * <p><b>How time is attributed.</b> A step is a sequence of boundaries on one thread:
 * {@link #startStep()}, then {@link #end(Phase)} each time a phase finishes (the time since the previous
 * boundary belongs to the phase named), then {@link #endStep()} (the time since the last boundary belongs to
 * {@link Phase#OTHER}). Every nanosecond between {@code startStep} and {@code endStep} is in exactly one
 * phase, so the phases add up to the step. Calls outside a step (e.g. an evaluation's forward pass, which the
 * {@link StepPhaseListener} also sees) are ignored. A {@code startStep} inside a step (the previous one was
 * cut short, e.g. paused by an exception) starts afresh: the phases the cut step finished stay in the totals,
 * the time since its last boundary is dropped, and it is not counted as a step.
 *
 * <p><b>Wait.</b> The all-reduce runs its transport on gRPC threads; the training thread mostly waits for
 * them and for the peers. Its wall time minus the training thread's CPU time in it is reported as the wait.
 *
 * <p>Who calls what: the caller's step loop ({@code JobRunner}, the benchmarks' loops) calls {@code
 * startStep}, {@code end(ALLREDUCE)} and {@code endStep}; {@link Replica} calls {@code end(DATA)} once the
 * batch is in its arrays and {@code end(UPDATE)} after the updater; the {@link StepPhaseListener} on the
 * network calls {@code end(FORWARD)} and {@code end(BACKWARD)} from inside DL4J's
 * {@code computeGradientAndScore} (forward ends before the output layer, whose forward pass DL4J does as
 * part of backprop, and backward includes the loss). Not thread-safe: one instance per training thread.
 */
public final class StepPhases {
  /** A step's phases, in the order a Ringmaster step goes through them. */
  public enum Phase {
    /** Picking the step's samples and copying them into the input arrays. */
    DATA,
    /** Forward pass up to the output layer. */
    FORWARD,
    /** Output layer, loss and backpropagation: the raw gradient. */
    BACKWARD,
    /** Summing the gradient over the ring (wall: including the wait for peers). */
    ALLREDUCE,
    /** The updater (Adam) and parameters -= update. */
    UPDATE,
    /** Everything else on the step: loss and NaN checks, progress, checkpoints, bookkeeping. */
    OTHER
  }

  /** The two clocks a split reads: wall (monotonic) and CPU time of the calling thread, in nanoseconds. */
  public interface Clock {
    long wallNanos();

    long threadCpuNanos();
  }

  /** The environment variable that turns the worker's split on ({@code 1}); the worker logs it per epoch. */
  public static final String ENV = "RINGMASTER_STEP_PHASES";

  private static final Phase[] PHASES = Phase.values();
  private static final StepPhases OFF = new StepPhases(null);

  private final Clock clock;
  private final long[] wall = new long[PHASES.length];
  private final long[] cpu = new long[PHASES.length];
  private long steps;
  private boolean inStep;
  private long lastWall;
  private long lastCpu;

  private StepPhases(Clock clock) {
    this.clock = clock;
  }

  /** A split that records nothing and costs one field read per call. */
  public static StepPhases off() {
    return OFF;
  }

  /** A split timed by {@code clock}. */
  public static StepPhases timing(Clock clock) {
    return new StepPhases(Objects.requireNonNull(clock, "clock"));
  }

  /** {@code System.nanoTime()} and the calling thread's CPU time ({@code ThreadMXBean}). */
  public static Clock threadClock() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    return new Clock() {
      @Override
      public long wallNanos() {
        return System.nanoTime();
      }

      @Override
      public long threadCpuNanos() {
        return mx.getCurrentThreadCpuTime();
      }
    };
  }

  /** On when the environment variable {@code RINGMASTER_STEP_PHASES} is {@code 1} or {@code true}. */
  public static StepPhases fromEnvironment(String value) {
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true")) ? timing(threadClock()) : off();
  }

  public boolean enabled() {
    return clock != null;
  }

  /** A step starts now. */
  public void startStep() {
    if (clock == null) {
      return;
    }
    inStep = true;
    lastWall = clock.wallNanos();
    lastCpu = clock.threadCpuNanos();
  }

  /** Phase {@code p} ended now: the time since the previous boundary was spent in it. */
  public void end(Phase p) {
    if (clock == null || !inStep) {
      return;
    }
    long w = clock.wallNanos();
    long c = clock.threadCpuNanos();
    wall[p.ordinal()] += w - lastWall;
    cpu[p.ordinal()] += c - lastCpu;
    lastWall = w;
    lastCpu = c;
  }

  /** The step ended now; the time since the last boundary was {@link Phase#OTHER}. */
  public void endStep() {
    if (clock == null || !inStep) {
      return;
    }
    end(Phase.OTHER);
    inStep = false;
    steps++;
  }

  /** The totals since the previous call (or since creation), and starts counting afresh. */
  public Split take() {
    Split s = new Split(steps, wall.clone(), cpu.clone());
    java.util.Arrays.fill(wall, 0);
    java.util.Arrays.fill(cpu, 0);
    steps = 0;
    return s;
  }

  /**
   * Summed times of {@code steps} whole steps, by phase (indexed by {@link Phase#ordinal()}), in nanoseconds.
   */
  public record Split(long steps, long[] wallNanos, long[] cpuNanos) {
    public double wallMsPerStep(Phase p) {
      return steps == 0 ? 0 : wallNanos[p.ordinal()] / 1e6 / steps;
    }

    public double cpuMsPerStep(Phase p) {
      return steps == 0 ? 0 : cpuNanos[p.ordinal()] / 1e6 / steps;
    }

    /** Wall time of a whole step, all phases. */
    public double wallMsPerStep() {
      long sum = 0;
      for (long v : wallNanos) {
        sum += v;
      }
      return steps == 0 ? 0 : sum / 1e6 / steps;
    }

    /** Training-thread CPU of a whole step, all phases. */
    public double cpuMsPerStep() {
      long sum = 0;
      for (long v : cpuNanos) {
        sum += v;
      }
      return steps == 0 ? 0 : sum / 1e6 / steps;
    }

    /** Wall time in the all-reduce that the training thread did not spend on the CPU: waiting for peers. */
    public double waitMsPerStep() {
      return Math.max(0, wallMsPerStep(Phase.ALLREDUCE) - cpuMsPerStep(Phase.ALLREDUCE));
    }

    /**
     * One line, {@code key=value} pairs that the benchmarks parse: {@code steps=N wall_ms=T cpu_ms=C} then
     * per phase {@code <phase>_wall_ms} and {@code <phase>_cpu_ms} (ms per step), then {@code wait_ms}.
     */
    public String format() {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "steps=%d wall_ms=%.3f cpu_ms=%.3f",
          steps, wallMsPerStep(), cpuMsPerStep()));
      for (Phase p : PHASES) {
        String name = p.name().toLowerCase(Locale.ROOT);
        sb.append(String.format(Locale.ROOT, " %s_wall_ms=%.3f %s_cpu_ms=%.3f", name, wallMsPerStep(p), name,
            cpuMsPerStep(p)));
      }
      sb.append(String.format(Locale.ROOT, " wait_ms=%.3f", waitMsPerStep()));
      return sb.toString();
    }
  }
}
