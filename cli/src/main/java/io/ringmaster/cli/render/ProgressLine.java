package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.Progress;

/**
 * Progress inside the running epoch, drawn two ways: a bar redrawn in place on a terminal, and a plain
 * line for logs and pipes. Both show steps done, throughput, the mean training loss so far and an ETA for
 * the epoch.
 */
public final class ProgressLine {
  /** Most and fewest characters between the brackets of the bar. */
  static final int MAX_BAR = 30;
  static final int MIN_BAR = 10;

  private final Progress p;
  private final int totalEpochs;
  private final long remainingSamples;

  private ProgressLine(Progress p, int totalEpochs, long remainingSamples) {
    this.p = p;
    this.totalEpochs = totalEpochs;
    this.remainingSamples = remainingSamples;
  }

  /** The progress of a job's current epoch. */
  public static ProgressLine of(Job job) {
    Progress p = job.getProgress();
    long remaining;
    if (job.getTrainSamples() > 0) {
      remaining = Math.max(0, job.getTrainSamples() - p.getSamples());
    } else {
      remaining = Math.max(0, p.getStepsInEpoch() - p.getStep()) * (long) job.getSpec().getBatchSize();
    }
    return new ProgressLine(p, job.getSpec().getEpochs(), remaining);
  }

  public int epoch() {
    return p.getEpoch();
  }

  /** True once every step of the epoch is done. */
  public boolean complete() {
    return p.getStepsInEpoch() > 0 && p.getStep() >= p.getStepsInEpoch();
  }

  /**
   * {@code Epoch 2/3 [==========>          ] 312/469  4,870 samples/s  loss 0.4123  ETA 0:32}, at most
   * {@code maxWidth} characters: the bar shrinks first, then the loss is left out, then the line is cut.
   */
  public String bar(int maxWidth) {
    String label = EpochLine.epochLabel(p.getEpoch(), totalEpochs) + " ";
    String steps = " " + p.getStep() + "/" + p.getStepsInEpoch();
    String rate = "  " + Fmt.rate(p.getSamplesPerS()) + " samples/s";
    String loss = "  loss " + Fmt.loss(p.getTrainLoss());
    String eta = "  ETA " + eta();
    String tail = steps + rate + loss + eta;
    if (maxWidth - label.length() - 2 - tail.length() < MIN_BAR) {
      tail = steps + rate + eta;
    }
    int cells = Math.max(MIN_BAR, Math.min(MAX_BAR, maxWidth - label.length() - 2 - tail.length()));
    String line = label + cells(cells) + tail;
    return line.length() <= maxWidth ? line : line.substring(0, Math.max(0, maxWidth));
  }

  private String cells(int width) {
    int filled = p.getStepsInEpoch() <= 0 ? 0
        : (int) Math.min(width, width * p.getStep() / p.getStepsInEpoch());
    char[] c = new char[width];
    for (int i = 0; i < width; i++) {
      c[i] = i < filled ? '=' : ' ';
    }
    if (filled > 0 && filled < width) {
      c[filled - 1] = '>';
    }
    return "[" + new String(c) + "]";
  }

  /** {@code   Epoch 2/3  312/469 steps (66%)  4,870 samples/s  loss 0.4123  ETA 0:32}. */
  public String plain() {
    long pct = p.getStepsInEpoch() <= 0 ? 0 : 100 * p.getStep() / p.getStepsInEpoch();
    return "  " + EpochLine.epochLabel(p.getEpoch(), totalEpochs) + "  " + p.getStep() + "/"
        + p.getStepsInEpoch() + " steps (" + pct + "%)" + tail();
  }

  private String tail() {
    return "  " + Fmt.rate(p.getSamplesPerS()) + " samples/s"
        + "  loss " + Fmt.loss(p.getTrainLoss())
        + "  ETA " + eta();
  }

  /** Time left in this epoch's training at the current throughput; {@code --:--} when unknown. */
  String eta() {
    if (!(p.getSamplesPerS() > 0)) {
      return "--:--";
    }
    return Fmt.clock(Math.round(remainingSamples / p.getSamplesPerS()));
  }
}
