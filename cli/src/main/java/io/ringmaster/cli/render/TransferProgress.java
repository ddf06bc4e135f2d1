package io.ringmaster.cli.render;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * One progress line for a file going to or coming from the coordinator, redrawn in place
 * ({@code \r}) at most every percent: {@code   uploading train.gz  [#####.....]  12.3 / 26.4 MB  46%}.
 * {@link #done()} ends the line.
 */
public final class TransferProgress implements LongConsumer {
  private static final int BAR = 24;
  private final PrintStream out;
  private final String label;
  private final long total;
  private int shownPercent = -1;

  public TransferProgress(PrintStream out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  @Override
  public void accept(long bytes) {
    int percent = total <= 0 ? 100 : (int) Math.min(100, bytes * 100 / total);
    if (percent == shownPercent) {
      return;
    }
    shownPercent = percent;
    int filled = percent * BAR / 100;
    out.print(String.format(Locale.ROOT, "\r  %s  [%s%s]  %s / %s  %3d%%", label, "#".repeat(filled),
        ".".repeat(BAR - filled), mb(bytes), mb(total), percent));
    out.flush();
  }

  /** Ends the progress line. */
  public void done() {
    accept(total);
    out.println();
    out.flush();
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
