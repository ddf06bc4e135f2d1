package io.ringmaster.bench.scale;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one coordinator run with {@code workers} simulated workers, in the order they were
 * measured; a figure that could not be measured is absent, and {@link #broke} says what broke first.
 */
final class ScaleResult {
  final String tree;
  final int workers;
  final Map<String, Double> figures = new LinkedHashMap<>();
  final List<String> notes = new ArrayList<>();
  String broke;

  ScaleResult(String tree, int workers) {
    this.tree = tree;
    this.workers = workers;
  }

  void put(String name, double value) {
    figures.put(name, value);
  }

  void note(String text) {
    notes.add(text);
  }

  /** The figure, or NaN. */
  double get(String name) {
    return figures.getOrDefault(name, Double.NaN);
  }

  /** The figure names of every result, in the order first seen. */
  static List<String> names(List<ScaleResult> results) {
    List<String> names = new ArrayList<>();
    for (ScaleResult r : results) {
      for (String n : r.figures.keySet()) {
        if (!names.contains(n)) {
          names.add(n);
        }
      }
    }
    return names;
  }

  /** A table: one row per figure, one column per run (tree label and worker count). */
  static String table(List<ScaleResult> results) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-62s", "figure"));
    for (ScaleResult r : results) {
      b.append(String.format(Locale.ROOT, " %14s", r.tree + " " + r.workers));
    }
    b.append('\n');
    for (String n : names(results)) {
      b.append(String.format(Locale.ROOT, "%-62s", n));
      for (ScaleResult r : results) {
        double v = r.get(n);
        b.append(Double.isNaN(v) ? String.format(Locale.ROOT, " %14s", "-")
            : String.format(Locale.ROOT, " %14s", format(v)));
      }
      b.append('\n');
    }
    for (ScaleResult r : results) {
      if (r.broke != null) {
        b.append(r.tree).append(' ').append(r.workers).append(" workers: BROKE: ").append(r.broke).append('\n');
      }
      for (String note : r.notes) {
        b.append(r.tree).append(' ').append(r.workers).append(" workers: ").append(note).append('\n');
      }
    }
    return b.toString();
  }

  private static String format(double v) {
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
