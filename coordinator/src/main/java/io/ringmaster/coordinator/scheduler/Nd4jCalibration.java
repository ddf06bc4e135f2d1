package io.ringmaster.coordinator.scheduler;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;

/**
 * Chooses the nd4j-native build for this machine's worker JVMs by measurement: each build on the
 * classpath ({@link Nd4jBuilds}) times a short training step in its own JVM (a {@link Probe}); the
 * fastest that ran wins, unless it beats the generic build by less than {@link #MARGIN} (noise): then
 * the generic build, which runs everywhere. A build that fails to load or crashes (the AVX-512 build on a
 * CPU without AVX-512 ends the JVM) is not a candidate; when none ran, generic is the fallback.
 *
 * <p>The choice is kept in {@code <dataDir>/nd4j-build.properties} ({@link #FILE}) with every build's
 * time, and read by the local scheduler when it starts worker JVMs ({@link #cached}). It is made only
 * when asked ({@code ringmaster calibrate-nd4j}): a probe JVM per build takes a few seconds of CPU.
 */
public final class Nd4jCalibration {
  public static final String FILE = "nd4j-build.properties";
  /** A build other than generic must be this much faster (fraction of generic's step time) to be chosen. */
  public static final double MARGIN = 0.03;
  static final String CHOSEN = "chosen";
  /** Alternating rounds of probes per calibration. */
  public static final int ROUNDS = 2;

  /** Times one step with the JVM classpath given; empty when the JVM failed (the build does not run here). */
  @FunctionalInterface
  public interface Probe {
    OptionalDouble msPerStep(String classpath);
  }

  /** The outcome: the build chosen and each build's median step time (absent for builds that failed). */
  public record Choice(String chosen, Map<String, OptionalDouble> measured) {
    /** One line for the user, e.g. "cpu-avx2 (cpu-generic 5.10 ms, cpu-avx2 4.60 ms a step)". */
    public String describe() {
      StringBuilder b = new StringBuilder(chosen).append(" (");
      String sep = "";
      for (var e : measured.entrySet()) {
        b.append(sep).append(e.getKey()).append(' ').append(e.getValue().isPresent()
            ? String.format(Locale.ROOT, "%.2f ms a step", e.getValue().getAsDouble()) : "did not run");
        sep = ", ";
      }
      return b.append(')').toString();
    }
  }

  private Nd4jCalibration() {}

  /** {@link #measure(String, Probe, int)} with {@link #ROUNDS} rounds. */
  public static Choice measure(String classpath, Probe probe) {
    return measure(classpath, probe, ROUNDS);
  }

  /**
   * Probes every build on {@code classpath} in {@code rounds} alternating rounds (generic, avx2, generic,
   * avx2, ...: a burst of load from elsewhere hits them alike) and chooses by each build's fastest run. A
   * build that fails once is out (a build that cannot run here fails every time).
   */
  public static Choice measure(String classpath, Probe probe, int rounds) {
    List<String> builds = Nd4jBuilds.available(classpath);
    Map<String, OptionalDouble> measured = new LinkedHashMap<>();
    builds.forEach(b -> measured.put(b, OptionalDouble.of(Double.MAX_VALUE)));
    for (int r = 0; r < rounds; r++) {
      for (String build : builds) {
        OptionalDouble best = measured.get(build);
        if (best.isEmpty()) {
          continue;
        }
        OptionalDouble ms = probe.msPerStep(Nd4jBuilds.classpathFor(classpath, build));
        measured.put(build, ms.isEmpty() ? ms : OptionalDouble.of(Math.min(best.getAsDouble(), ms.getAsDouble())));
      }
    }
    return new Choice(choose(measured), measured);
  }

  static String choose(Map<String, OptionalDouble> measured) {
    OptionalDouble generic = measured.getOrDefault(Nd4jBuilds.GENERIC, OptionalDouble.empty());
    String best = Nd4jBuilds.GENERIC;
    double bestMs = generic.isPresent() ? generic.getAsDouble() * (1 - MARGIN) : Double.MAX_VALUE;
    for (var e : measured.entrySet()) {
      if (!e.getKey().equals(Nd4jBuilds.GENERIC) && e.getValue().isPresent() && e.getValue().getAsDouble() < bestMs) {
        best = e.getKey();
        bestMs = e.getValue().getAsDouble();
      }
    }
    return best;
  }

  /** Keeps the choice in {@code dataDir}. */
  public static void save(Path dataDir, Choice choice) throws IOException {
    Properties p = new Properties();
    p.setProperty(CHOSEN, choice.chosen());
    choice.measured().forEach((b, ms) -> p.setProperty("ms-per-step." + b, ms.isPresent()
        ? Double.toString(ms.getAsDouble()) : "failed"));
    Files.createDirectories(dataDir);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp)) {
      p.store(w, "ND4J native build chosen by `ringmaster calibrate-nd4j`; delete to choose by CPU flags again");
    }
    Files.move(tmp, dataDir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The build chosen earlier in {@code dataDir}, if a calibration ran there (null dataDir: none). */
  public static Optional<String> cached(Path dataDir) {
    if (dataDir == null || !Files.isRegularFile(dataDir.resolve(FILE))) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dataDir.resolve(FILE))) {
      p.load(r);
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(p.getProperty(CHOSEN)).filter(s -> !s.isBlank());
  }

  /**
   * The worker classpath for {@code classpath}: the cached build's when one was chosen in {@code dataDir}
   * and its jar is still on the classpath, otherwise the choice by CPU flags
   * ({@link WorkerJvmFlags#classpath}).
   */
  public static String workerClasspath(String classpath, Path dataDir) {
    Optional<String> chosen = cached(dataDir);
    if (chosen.isPresent() && Nd4jBuilds.available(classpath).contains(chosen.get())) {
      return Nd4jBuilds.classpathFor(classpath, chosen.get());
    }
    return WorkerJvmFlags.classpath(classpath);
  }

  /** A probe that starts {@code io.ringmaster.model.calibrate.Nd4jStepProbe} in a JVM of its own. */
  public static Probe processProbe(String javaCommand, Path logDir) {
    return classpath -> {
      try {
        Files.createDirectories(logDir);
        Path out = Files.createTempFile(logDir, "nd4j-probe-", ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(javaCommand, "-XX:+UseSerialGC", "-Xmx512m",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-cp", classpath,
            "io.ringmaster.model.calibrate.Nd4jStepProbe"))
            .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return OptionalDouble.empty();
        }
        if (p.exitValue() != 0) {
          return OptionalDouble.empty();
        }
        return parse(Files.readAllLines(out));
      } catch (IOException e) {
        return OptionalDouble.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return OptionalDouble.empty();
      }
    };
  }

  /** The probe's step time from its output ("nd4j-probe ms-per-step=4.6 library=..."). */
  static OptionalDouble parse(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("nd4j-probe ms-per-step=")) {
        String v = line.substring("nd4j-probe ms-per-step=".length()).split(" ", 2)[0];
        try {
          return OptionalDouble.of(Double.parseDouble(v));
        } catch (NumberFormatException e) {
          return OptionalDouble.empty();
        }
      }
    }
    return OptionalDouble.empty();
  }
}
