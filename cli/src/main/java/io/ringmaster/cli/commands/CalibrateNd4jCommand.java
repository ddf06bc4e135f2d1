package io.ringmaster.cli.commands;

import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.coordinator.scheduler.LocalProcessScheduler;
import io.ringmaster.coordinator.scheduler.Nd4jCalibration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringmaster calibrate-nd4j}: times a short training step with each nd4j-native build on this
 * installation's classpath, each in its own JVM, and keeps the fastest (generic unless another is
 * clearly faster, generic when none ran) in the data dir, where the local scheduler reads it when it
 * starts workers.
 */
@Command(name = "calibrate-nd4j", mixinStandardHelpOptions = true,
    description = {"Choose the ND4J native build (generic, AVX2, AVX-512, ...) for this machine by timing a",
        "short MLP step with each one on the classpath, in a JVM of its own (a few seconds each).",
        "The choice is kept in DIR/" + Nd4jCalibration.FILE + " and used by the coordinator's local",
        "scheduler (`ringmaster coordinator`, `ringmaster run`) for its workers; delete the file to",
        "choose by CPU flags again. Workers of one job always run one build."})
final class CalibrateNd4jCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "The coordinator's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  /** How a build's step is timed; a JVM per build unless a test gives another. */
  Nd4jCalibration.Probe probe;
  /** The classpath whose builds are measured; this JVM's unless a test gives another. */
  String classpath = System.getProperty("java.class.path");

  CalibrateNd4jCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Nd4jCalibration.Probe p = probe != null ? probe
        : Nd4jCalibration.processProbe(LocalProcessScheduler.Options.currentJava(), dataDir.resolve("logs"));
    var choice = Nd4jCalibration.measure(classpath, p);
    Nd4jCalibration.save(dataDir, choice);
    context.out().println("ND4J build for this machine's workers: " + choice.describe());
    context.out().println("Kept in " + dataDir.resolve(Nd4jCalibration.FILE) + "; the local scheduler uses it.");
    context.out().flush();
    return ExitCodes.OK;
  }
}
