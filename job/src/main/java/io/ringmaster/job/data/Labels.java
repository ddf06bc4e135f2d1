package io.ringmaster.job.data;

/** Checks on class-id arrays shared by the dataset implementations and readers. */
final class Labels {
  /** Largest class count accepted from a file: the output layer has one unit per class. */
  static final int MAX_CLASSES = 65_536;

  private Labels() {}

  /** Throws if a label is outside {@code [0, classes)}. */
  static void check(int[] labels, int classes) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " not in [0, " + classes + ")");
      }
    }
  }

  /** Classes implied by the labels: the largest label + 1 (at least 1). */
  static int classes(int[] labels) {
    int max = 0;
    for (int l : labels) {
      max = Math.max(max, l);
    }
    return max + 1;
  }
}
