package io.ringmaster.job.devices;

import io.ringmaster.proto.v1.ComputeDevices;
import java.util.Optional;

/**
 * Whether a worker's devices can run a job that asks for {@code spec.resources.gpus} GPUs per worker.
 * The answer names what the worker found and what to do, as the job's message (with
 * {@code FAILURE_REASON_GPU_UNAVAILABLE}); ND4J's own loader error stays in the worker's log.
 *
 * <table>
 *   <caption>Decisions</caption>
 *   <tr><th>gpus asked</th><th>backend found</th><th>answer</th></tr>
 *   <tr><td>0</td><td>any, or none</td><td>fine (the job does not ask for GPUs)</td></tr>
 *   <tr><td>n &gt; 0</td><td>none (ND4J could not load)</td><td>refused: no backend, and why</td></tr>
 *   <tr><td>n &gt; 0</td><td>CPU</td><td>refused: CPU only (and why CUDA could not run, if known)</td></tr>
 *   <tr><td>n &gt; 0</td><td>CUDA with fewer than n GPUs</td><td>refused: which GPUs it sees</td></tr>
 *   <tr><td>n &gt; 0</td><td>CUDA with n or more GPUs</td><td>fine</td></tr>
 * </table>
 */
public final class GpuCheck {
  /** The backend name workers report for ND4J's CUDA backend. */
  public static final String CUDA = "CUDA";
  public static final String CPU = "CPU";

  private GpuCheck() {}

  /** Empty when the worker can run the job; else why not, in plain words. */
  public static Optional<String> problem(int gpusPerWorker, ComputeDevices found) {
    if (gpusPerWorker <= 0) {
      return Optional.empty();
    }
    String asked = "the job asks for " + gpusPerWorker + " GPU(s) per worker (spec.resources.gpus = "
        + gpusPerWorker + ")";
    String why = found.getProblem().isEmpty() ? "" : " (" + found.getProblem() + ")";
    String fix = "run CUDA workers (the CUDA worker image, or a worker classpath with nd4j-cuda-11.6) on hosts"
        + " with an NVIDIA GPU and driver, or set spec.resources.gpus to 0 to train on CPUs";
    if (found.getBackend().isEmpty()) {
      return Optional.of(asked + " but this worker could not load any ND4J backend" + why + "; " + fix);
    }
    if (!CUDA.equals(found.getBackend())) {
      return Optional.of(asked + " but this worker runs ND4J's " + found.getBackend() + " backend"
          + (CPU.equals(found.getBackend()) ? " (nd4j-native)" : "") + " and no GPU" + why + "; " + fix);
    }
    if (found.getGpusCount() < gpusPerWorker) {
      String seen = found.getGpusCount() == 0 ? "no GPU"
          : found.getGpusCount() + " GPU(s): " + found.getGpusList().stream().map(DeviceSummary::gpu)
              .collect(java.util.stream.Collectors.joining("; "));
      String visible = found.getCudaVisibleDevices().isEmpty() ? ""
          : " with CUDA_VISIBLE_DEVICES=" + found.getCudaVisibleDevices();
      return Optional.of(asked + " but this worker's CUDA backend sees " + seen + visible + why
          + "; give each worker as many GPUs as the job asks for, or ask for fewer");
    }
    return Optional.empty();
  }
}
