package io.ringmaster.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Runs {@code org.apache.spark.deploy.SparkSubmit}'s real main in a separate JVM, as {@code spark-submit}
 * does: Spark's jars (this module's resolved classpath, from Maven) on the class path, Spark's own Java 17
 * module flags ({@link JavaModuleOptions}), the application jar and its arguments.
 */
final class SparkSubmitRun {
  record Result(int exitCode, String output) {}

  private SparkSubmitRun() {}

  static Result run(Path log, List<String> sparkArgs, List<String> appArgs, long timeoutMinutes)
      throws IOException, InterruptedException {
    String jar = System.getProperty("ringmaster.spark.jar");
    String cp = Files.readString(Path.of(System.getProperty("ringmaster.spark.classpath"))).trim();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
    cmd.addAll(List.of("-Xmx3g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0", "-cp", cp,
        "org.apache.spark.deploy.SparkSubmit"));
    cmd.addAll(sparkArgs);
    cmd.addAll(List.of("--conf", "spark.ui.enabled=false", "--class", RingmasterSparkMain.class.getName(), jar));
    cmd.addAll(appArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("spark-submit did not finish within " + timeoutMinutes + " min; its output:\n"
          + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }
}
