package io.ringmaster.worker.devices;

import io.ringmaster.job.devices.GpuCheck;
import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.GpuDevice;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks ND4J which backend it loaded, which native build of it ({@link Nd4jNativeBuild}, from the library
 * JavaCPP loaded) and, for CUDA, which GPUs it sees (name and total memory from the executioner's
 * environment information). Loading the backend is what the first Assign would do anyway;
 * it happens once per process and the answer is kept.
 *
 * <p>When ND4J cannot load a backend, or the CUDA backend is on the classpath but ND4J fell back to its
 * CPU backend (no NVIDIA driver or GPU), the answer's {@code problem} says so in plain words
 * ({@link #describeLoadFailure}); ND4J's own error goes to this worker's log only.
 */
public final class Nd4jDeviceDiscovery implements DeviceDiscovery {
  private static final Logger log = LoggerFactory.getLogger(Nd4jDeviceDiscovery.class);
  /** ND4J's CUDA backend class (in nd4j-cuda-11.6): present means the CUDA backend is on the classpath. */
  static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";
  // the keys of org.nd4j.linalg.api.environment.Nd4jEnvironment
  static final String DEVICES_KEY = "cuda.devicesInformation";
  static final String NAME_KEY = "cuda.deviceName";
  static final String TOTAL_MEMORY_KEY = "cuda.totalMemory";

  private static volatile ComputeDevices found;

  @Override
  public ComputeDevices discover() {
    ComputeDevices d = found;
    if (d == null) {
      synchronized (Nd4jDeviceDiscovery.class) {
        if (found == null) {
          found = look();
          log.info("ND4J backend and devices: {}", io.ringmaster.job.devices.DeviceSummary.describe(found));
        }
        d = found;
      }
    }
    return d;
  }

  private static ComputeDevices look() {
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    ComputeDevices.Builder b = ComputeDevices.newBuilder().setCudaVisibleDevices(visible == null ? "" : visible);
    boolean cudaOnClasspath = classPresent(CUDA_BACKEND_CLASS);
    String backendClass;
    Properties info;
    try {
      backendClass = Nd4j.getBackend().getClass().getName();
      info = Nd4j.getExecutioner().getEnvironmentInformation();
    } catch (Exception | LinkageError e) {
      log.warn("ND4J could not load a backend", e);
      return b.setProblem(describeLoadFailure(e, cudaOnClasspath)).build();
    }
    b.setNativeBuild(loadedBuild());
    return read(b, backendClass, info, cudaOnClasspath);
  }

  /** The native build JavaCPP loaded ({@link Nd4jNativeBuild}); "" when it cannot be told. */
  private static String loadedBuild() {
    try {
      String build = Nd4jNativeBuild.name(org.bytedeco.javacpp.Loader.getLoadedLibraries(),
          org.bytedeco.javacpp.Loader.getPlatform());
      if (build.isEmpty()) {
        log.warn("could not tell which ND4J native build was loaded from {}; this worker reports none and only"
            + " joins rings of workers that report none", org.bytedeco.javacpp.Loader.getLoadedLibraries());
      }
      return build;
    } catch (LinkageError e) {
      log.warn("could not ask JavaCPP which ND4J native build was loaded", e);
      return "";
    }
  }

  /** The answer for a loaded backend (its class name) and its environment information. */
  static ComputeDevices read(ComputeDevices.Builder b, String backendClass, Properties info,
      boolean cudaOnClasspath) {
    boolean cuda = backendClass.contains("JCublas") || backendClass.toLowerCase(Locale.ROOT).contains("cuda");
    b.setBackend(cuda ? GpuCheck.CUDA : GpuCheck.CPU);
    if (cuda) {
      Object devices = info.get(DEVICES_KEY);
      if (devices instanceof List<?> list) {
        int index = 0;
        for (Object o : list) {
          GpuDevice.Builder g = GpuDevice.newBuilder().setIndex(index++);
          if (o instanceof Map<?, ?> m) {
            Object name = m.get(NAME_KEY);
            Object total = m.get(TOTAL_MEMORY_KEY);
            g.setName(name == null ? "" : name.toString());
            if (total instanceof Number n) {
              g.setTotalMemoryBytes(n.longValue());
            }
          }
          b.addGpus(g);
        }
      }
    } else if (cudaOnClasspath) {
      b.setProblem("the CUDA backend (nd4j-cuda) is on the classpath but cannot run on this host (no NVIDIA driver"
          + " or GPU visible), so ND4J fell back to its CPU backend");
    }
    return b.build();
  }

  /** What went wrong when ND4J could not load a backend, in plain words (ND4J's error is in the log). */
  static String describeLoadFailure(Throwable e, boolean cudaOnClasspath) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(' ').append(t.getClass().getName()).append(": ").append(t.getMessage());
      if (t.getCause() == t) {
        break;
      }
    }
    String text = all.toString();
    if (text.contains("libcuda")) {
      return "the CUDA backend could not load: the NVIDIA driver library libcuda.so.1 is not installed on this"
          + " host (or not visible in its container)";
    }
    if (text.contains("libcudart") || text.contains("libcublas") || text.contains("libcudnn")) {
      return "the CUDA backend could not load: the CUDA 11.6 runtime libraries are missing (add"
          + " cuda-platform-redist 11.6 to the worker's classpath, or install CUDA 11.6)";
    }
    if (text.contains("NoAvailableBackendException") || text.contains("No ND4J backend")) {
      return "no ND4J backend could be loaded" + (cudaOnClasspath ? " (nd4j-cuda is on the classpath)" : "")
          + "; see the worker log for ND4J's error";
    }
    if (text.contains("UnsatisfiedLinkError") || text.contains("NoClassDefFoundError")) {
      return "ND4J's " + (cudaOnClasspath ? "CUDA" : "native") + " library could not be loaded on this host (wrong"
          + " platform or CPU features?); see the worker log for ND4J's error";
    }
    return "ND4J could not start its backend; see the worker log for ND4J's error";
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name, false, Nd4jDeviceDiscovery.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
