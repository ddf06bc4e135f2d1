package io.ringmaster.job.devices;

import io.ringmaster.proto.v1.ComputeDevices;

/**
 * The ND4J native build a worker reported ({@code ComputeDevices.native_build}), as the key rings are
 * formed by: replicas on different builds (generic vs AVX2, say) round differently and diverge, so every
 * member of a ring has the same key. A worker that reported no build (an older one) has the key
 * {@link #UNKNOWN} and is only put with other unknown workers.
 */
public final class NativeBuild {
  /** The key of a worker that did not report its build. */
  public static final String UNKNOWN = "unknown";

  private NativeBuild() {}

  /** The worker's build, or {@link #UNKNOWN}; never empty. */
  public static String of(ComputeDevices devices) {
    if (devices == null || devices.getNativeBuild().isBlank()) {
      return UNKNOWN;
    }
    return devices.getNativeBuild();
  }
}
