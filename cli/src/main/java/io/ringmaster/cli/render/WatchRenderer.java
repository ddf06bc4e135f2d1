package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a job's event stream as it arrives: a header, state changes, one line per finished epoch,
 * lost workers and notices, and live progress inside each epoch.
 *
 * <p>On a terminal the progress is a bar redrawn in place with {@code \r} (at most every {@link
 * #REDRAW_INTERVAL}) and wiped before any other line. Otherwise progress is a plain line at most every
 * {@link #PLAIN_INTERVAL}, and the output holds no control characters at all. Every epoch is printed
 * exactly once, whether it arrives in an {@code EPOCH_FINISHED} event or in a job snapshot.
 *
 * <p>Not thread-safe: feed it from the thread that reads the stream.
 */
public final class WatchRenderer {
  /** Shortest time between two redraws of the terminal progress bar. */
  public static final Duration REDRAW_INTERVAL = Duration.ofMillis(100);
  /** Shortest time between two plain progress lines (and from the start or the last epoch line). */
  public static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);

  private final PrintStream out;
  private final boolean terminal;
  private final Clock clock;
  private final int columns;

  private Job job = Job.getDefaultInstance();
  private JobState shownState = JobState.JOB_STATE_UNSPECIFIED;
  private final Set<Integer> printedEpochs = new HashSet<>();
  private final Map<String, WorkerState> workerStates = new HashMap<>();
  private int barLength;
  private boolean headerShown;
  private Instant lastRedraw;
  private Instant lastPlain;

  /**
   * @param terminal whether {@code out} is an interactive terminal (progress bar redrawn in place)
   * @param clock paces progress output
   * @param columns width of the terminal; the bar stays narrower so that it never wraps
   */
  public WatchRenderer(PrintStream out, boolean terminal, Clock clock, int columns) {
    this.out = Objects.requireNonNull(out, "out");
    this.terminal = terminal;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.columns = columns;
    this.lastPlain = clock.instant();
  }

  /** The job as of the latest event (the default instance before the first). */
  public Job job() {
    return job;
  }

  /** Renders one event. */
  public void accept(JobEvent event) {
    if (event.hasJob()) {
      job = event.getJob();
    }
    switch (event.getKind()) {
      case SNAPSHOT -> {
        if (headerShown) {
          line("Resumed: " + Fmt.state(job.getState()) + " (some updates in between were not kept by the coordinator)");
          shownState = job.getState();
        } else {
          header();
        }
      }
      case STATE_CHANGED -> stateChanged();
      case EPOCH_FINISHED -> {
        if (event.hasEpoch()) {
          epoch(event.getEpoch());
        }
      }
      case PROGRESS -> progress();
      case WORKERS_CHANGED -> { /* handled below for every event */ }
      case NOTICE -> line("Notice: " + event.getNotice());
      default -> { }
    }
    workers();
    for (EpochMetrics m : job.getEpochsList()) {
      epoch(m);
    }
    if (event.getKind() != JobEvent.Kind.SNAPSHOT) {
      shownState = job.getState();
    }
  }

  /** Wipes a progress bar left on the screen; call when the stream ends. */
  public void close() {
    clearBar();
    out.flush();
  }

  /** The stream broke and the client reconnects. */
  public void reconnecting(String why) {
    line("Lost the coordinator; reconnecting to resume where the stream stopped...");
  }

  private void header() {
    headerShown = true;
    JobState s = job.getState();
    String name = job.getSpec().getName().isEmpty() ? "" : " " + job.getSpec().getName();
    line("Job " + job.getId() + name + ": " + Fmt.model(job.getSpec()) + ", "
        + Fmt.plural(job.getSpec().getWorkers(), "worker") + ", " + Fmt.plural(job.getSpec().getEpochs(), "epoch")
        + ", global batch " + job.getSpec().getBatchSize() + "  [" + Fmt.state(s) + "]");
    shownState = s;
    for (WorkerStatus w : job.getWorkersList()) {
      workerStates.put(w.getWorkerId(), w.getState());
    }
  }

  private void stateChanged() {
    JobState s = job.getState();
    if (s == shownState || Fmt.isTerminal(s)) {
      return; // terminal states are reported by FinalReport
    }
    switch (s) {
      case JOB_STATE_QUEUED -> line("Queued: waiting for the coordinator to start it.");
      case JOB_STATE_STARTING -> line("Starting " + Fmt.plural(job.getSpec().getWorkers(), "worker") + "...");
      case JOB_STATE_RUNNING -> line("Training on " + Fmt.plural(ringSizeOrRequested(), "worker") + (job.getTrainSamples() > 0
              ? ": " + Fmt.count(job.getTrainSamples()) + " training, " + Fmt.count(job.getTestSamples())
                  + " test samples"
              : "") + ".");
      default -> line("State: " + Fmt.state(s));
    }
  }

  /** The ring's size; the requested count when the coordinator lists no ring members (yet). */
  private int ringSizeOrRequested() {
    int ring = Fmt.ringSize(job);
    return ring > 0 ? ring : job.getSpec().getWorkers();
  }

  private void epoch(EpochMetrics m) {
    if (printedEpochs.add(m.getEpoch())) {
      line(EpochLine.format(m, job.getSpec().getEpochs()));
      lastPlain = clock.instant();
    }
  }

  private void progress() {
    if (!job.hasProgress() || Fmt.isTerminal(job.getState())) {
      return;
    }
    ProgressLine p = ProgressLine.of(job);
    if (printedEpochs.contains(p.epoch())) {
      return; // a late update of an epoch already reported
    }
    Instant now = clock.instant();
    if (terminal) {
      if (lastRedraw == null || p.complete() || !now.isBefore(lastRedraw.plus(REDRAW_INTERVAL))) {
        String bar = p.bar(columns - 1);
        int pad = Math.max(0, barLength - bar.length());
        out.print("\r" + bar + " ".repeat(pad));
        out.flush();
        barLength = bar.length();
        lastRedraw = now;
      }
    } else if (!now.isBefore(lastPlain.plus(PLAIN_INTERVAL))) {
      out.println(p.plain());
      lastPlain = now;
    }
  }

  /** Reports workers that were lost since the last event; once the job ended, FinalReport lists them. */
  private void workers() {
    boolean ended = Fmt.isTerminal(job.getState());
    for (WorkerStatus w : job.getWorkersList()) {
      WorkerState before = workerStates.put(w.getWorkerId(), w.getState());
      if (!ended && w.getState() == WorkerState.WORKER_LOST && before != WorkerState.WORKER_LOST) {
        line(FinalReport.lostWorker(w));
      }
    }
  }

  /** Prints a whole line, wiping the progress bar first. */
  private void line(String text) {
    clearBar();
    out.println(text);
  }

  private void clearBar() {
    if (barLength > 0) {
      out.print("\r" + " ".repeat(barLength) + "\r");
      barLength = 0;
      lastRedraw = null;
    }
  }
}
