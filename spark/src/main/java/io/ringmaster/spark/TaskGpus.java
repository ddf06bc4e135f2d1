package io.ringmaster.spark;

import io.ringmaster.worker.WorkerEnvironment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which CUDA device a barrier task's worker trains on. Spark assigns GPUs per task ({@code
 * spark.task.resource.gpu.amount}, addresses from the executor's discovery script) and a task reads them
 * from {@code TaskContext.resourcesJMap().get("gpu").addresses()}. The worker runs inside the executor's JVM,
 * so it cannot be given its own {@code CUDA_VISIBLE_DEVICES}; instead its job thread (the one thread that
 * runs all its ND4J work) is bound to the device with ND4J's affinity manager.
 *
 * <p>Address to device ordinal, with {@code CUDA_VISIBLE_DEVICES} semantics: when the executor's environment
 * sets {@code CUDA_VISIBLE_DEVICES} (a cluster manager that isolates GPUs per container does), CUDA numbers
 * the visible devices 0, 1, ... in that list's order, so the address's ordinal is its position in the list;
 * otherwise CUDA sees every device and the address, a number, is the ordinal. A worker uses one device: with
 * more than one address the first is used (the others stay reserved for the task).
 */
final class TaskGpus {
  static final String RESOURCE = "gpu";
  static final String VISIBLE = "CUDA_VISIBLE_DEVICES";

  private TaskGpus() {}

  /**
   * The CUDA ordinal of the task's first GPU, or empty when the task was given none.
   *
   * @param resources the task's resources ({@code TaskContext.resourcesJMap()})
   * @param env the executor's environment ({@code System.getenv()})
   * @throws IllegalStateException when the address is not visible to CUDA in this executor
   */
  static OptionalInt device(Map<String, ResourceInformation> resources, Map<String, String> env) {
    ResourceInformation gpus = resources.get(RESOURCE);
    if (gpus == null || gpus.addresses().length == 0) {
      return OptionalInt.empty();
    }
    String address = gpus.addresses()[0].trim();
    String visible = env.get(VISIBLE);
    if (visible != null && !visible.isBlank()) {
      List<String> ids = Arrays.stream(visible.split(",")).map(String::trim).toList();
      int i = ids.indexOf(address);
      if (i < 0) {
        throw new IllegalStateException("Spark assigned GPU address " + address + " to this task, but the executor's "
            + VISIBLE + "=" + visible + " does not list it: make the GPU discovery script report the devices this"
            + " executor can see");
      }
      return OptionalInt.of(i);
    }
    try {
      return OptionalInt.of(Integer.parseInt(address));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("Spark assigned GPU address '" + address + "' to this task; without " + VISIBLE
          + " only numeric device indices can be mapped to a CUDA device: make the discovery script report indices", e);
    }
  }

  /**
   * The system clocks and threads, the job thread bound to CUDA device {@code device} before it runs
   * anything (on the CPU backend binding a thread does nothing).
   */
  static WorkerEnvironment environment(int device) {
    WorkerEnvironment system = WorkerEnvironment.system();
    system.jobThread().shutdown(); // replaced by a thread bound to the device
    return new WorkerEnvironment(system.nanoClock(), system.wallClockMillis(),
        Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(() -> {
            Nd4j.getAffinityManager().unsafeSetDevice(device);
            r.run();
          }, "worker-job-gpu" + device);
          t.setDaemon(true);
          return t;
        }), system.timer(), system.uploads());
  }
}
