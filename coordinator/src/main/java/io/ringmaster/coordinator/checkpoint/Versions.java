package io.ringmaster.coordinator.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions recorded in checkpoint provenance. */
public final class Versions {
  private static final String DL4J_POM = "META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties";
  private static final String DL4J = readDl4j();

  private Versions() {}

  /** The Ringmaster version (from the jar manifest; "dev" when run from classes). */
  public static String ringmaster() {
    return io.ringmaster.job.Version.get();
  }

  /** The DL4J version on the classpath (from deeplearning4j-nn's Maven metadata), or "unknown". */
  public static String dl4j() {
    return DL4J;
  }

  private static String readDl4j() {
    try (InputStream in = Versions.class.getClassLoader().getResourceAsStream(DL4J_POM)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
