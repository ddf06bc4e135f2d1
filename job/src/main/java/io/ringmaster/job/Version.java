package io.ringmaster.job;

/** The Ringmaster version, from the jar manifest when packaged. */
public final class Version {
  private Version() {}

  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
