package io.ringmaster.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.client.ChannelFactory;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.coordinator.scheduler.Nd4jBuilds;
import io.ringmaster.coordinator.scheduler.Nd4jCalibration;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command with made-up step times (a real calibration starts a JVM per build: not in unit tests). */
class CalibrateNd4jCommandTest {
  @TempDir Path dir;

  @Test
  void keepsTheFastestBuildInTheDataDirAndSaysWhatEachTook() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CalibrateNd4jCommand cmd = new CalibrateNd4jCommand(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        System.err, false, 80, Clock.systemUTC(), ChannelFactory.plaintext(), CoordinatorLauncher.inProcess(),
        (name, action) -> () -> { }));
    cmd.dataDir = dir;
    cmd.classpath = String.join(java.io.File.pathSeparator, "/l/nd4j-native-1.0.0-M2.1-linux-x86_64.jar",
        "/l/nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar");
    cmd.probe = cp -> OptionalDouble.of(Nd4jBuilds.available(cp).contains("cpu-avx2") ? 4.0 : 5.0);
    assertThat(cmd.call()).isZero();
    assertThat(Nd4jCalibration.cached(dir)).contains("cpu-avx2");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("ND4J build for this machine's workers: cpu-avx2 (cpu-generic 5.00 ms a step, cpu-avx2 4.00 ms a step)");
  }
}
