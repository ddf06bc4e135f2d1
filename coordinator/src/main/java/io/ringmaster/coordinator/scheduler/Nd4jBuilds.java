package io.ringmaster.coordinator.scheduler;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The nd4j-native builds on a classpath and the classpath that makes JavaCPP load one of them.
 * {@code nd4j-native} ships one jar per build: {@code nd4j-native-<v>-linux-x86_64.jar} (the generic
 * build) and {@code nd4j-native-<v>-linux-x86_64-<extension>.jar} ({@code avx2}, {@code avx512},
 * {@code onednn}, {@code onednn-avx2}); JavaCPP loads the most specific one on the classpath, so a
 * build is chosen by leaving every other extension jar out. Builds are named as workers report them
 * ({@code cpu-generic}, {@code cpu-avx2}, ...).
 */
public final class Nd4jBuilds {
  public static final String GENERIC = "cpu-generic";
  private static final Pattern JAR = Pattern.compile("nd4j-native-[^/\\\\]*-linux-x86_64(-[a-z0-9-]+)?\\.jar$");

  private Nd4jBuilds() {}

  /** The builds whose jars are on {@code classpath}, generic first, then in classpath order. */
  public static List<String> available(String classpath) {
    List<String> out = new ArrayList<>();
    for (String entry : entries(classpath)) {
      String build = buildOf(entry);
      if (build != null && !out.contains(build)) {
        out.add(build);
      }
    }
    if (out.remove(GENERIC)) {
      out.add(0, GENERIC);
    }
    return out;
  }

  /** {@code classpath} without the extension jars of every build but {@code build}. */
  public static String classpathFor(String classpath, String build) {
    return entries(classpath).stream()
        .filter(e -> {
          String b = buildOf(e);
          return b == null || b.equals(GENERIC) || b.equals(build);
        })
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The build of an nd4j-native platform jar, or null for any other classpath entry. */
  static String buildOf(String entry) {
    Matcher m = JAR.matcher(entry);
    if (!m.find()) {
      return null;
    }
    return m.group(1) == null ? GENERIC : "cpu" + m.group(1);
  }

  private static List<String> entries(String classpath) {
    return Arrays.stream(classpath.split(File.pathSeparator)).filter(e -> !e.isEmpty()).toList();
  }
}
