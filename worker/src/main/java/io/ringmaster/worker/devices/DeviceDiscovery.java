package io.ringmaster.worker.devices;

import io.ringmaster.proto.v1.ComputeDevices;

/** Finds the ND4J backend and GPUs this worker computes on. Never throws: problems go in the answer. */
@FunctionalInterface
public interface DeviceDiscovery {
  ComputeDevices discover();

  /** Always the same answer (tests, and workers that know their devices). */
  static DeviceDiscovery fixed(ComputeDevices devices) {
    return () -> devices;
  }
}
