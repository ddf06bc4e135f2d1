package io.ringmaster.coordinator.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ringmaster.job.spec.ResourceSpec;
import io.ringmaster.proto.v1.FailureReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local scheduler hands each worker process its own GPUs through {@code CUDA_VISIBLE_DEVICES}, on a
 * made-up two-GPU machine. The "java" it starts is a shell script that prints its GPU environment to the
 * worker's log and then waits to be stopped.
 */
class LocalProcessSchedulerGpuTest {
  @TempDir Path tmp;
  private LocalProcessScheduler scheduler;
  private final List<WorkerExit> exits = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    Path fakeJava = tmp.resolve("fake-java.sh");
    Files.writeString(fakeJava, "#!/bin/sh\necho \"gpus=[$CUDA_VISIBLE_DEVICES] order=[$CUDA_DEVICE_ORDER]\"\n"
        + "exec sleep 600\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
    HostGpus twoGpus = () -> List.of(new HostGpus.HostGpu(0, "Tesla T4", "GPU-aaaa"),
        new HostGpus.HostGpu(1, "Tesla T4", "GPU-bbbb"));
    scheduler = new LocalProcessScheduler(new LocalProcessScheduler.Options(fakeJava.toString(), "unused",
        List.of(), "127.0.0.1", 2_000), twoGpus);
  }

  @AfterEach
  void tearDown() {
    scheduler.close();
  }

  private LaunchRequest request(String job, int firstSlot, int count, int gpus) {
    return new LaunchRequest(job, firstSlot, count, tmp.resolve(job), new ResourceSpec(256, 256, 1, gpus),
        "127.0.0.1:1", exits::add);
  }

  private String log(String job, int slot) throws Exception {
    Path f = tmp.resolve(job).resolve("logs").resolve("worker-" + slot + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  @Test
  void oneWorkerProcessPerGpuThenAJobThatWouldNeedMoreIsRefusedNamingWhoHoldsThem() throws Exception {
    scheduler.launch(request("a", 0, 2, 1));
    await().atMost(Duration.ofSeconds(20)).until(() -> log("a", 0).contains("gpus=") && log("a", 1).contains("gpus="));
    assertThat(log("a", 0)).contains("gpus=[GPU-aaaa] order=[PCI_BUS_ID]");
    assertThat(log("a", 1)).contains("gpus=[GPU-bbbb] order=[PCI_BUS_ID]");

    assertThatThrownBy(() -> scheduler.launch(request("b", 0, 1, 1)))
        .isInstanceOfSatisfying(SchedulerException.class, e ->
            assertThat(e.reason()).isEqualTo(FailureReason.FAILURE_REASON_GPU_UNAVAILABLE))
        .hasMessageContaining("this machine has 2 GPU(s): 0 (Tesla T4), 1 (Tesla T4), 0 free")
        .hasMessageContaining("held: 0 by job a worker 0, 1 by job a worker 1");
    assertThat(Files.exists(tmp.resolve("b").resolve("logs").resolve("worker-0.log"))).as("nothing started").isFalse();

    // worker 1 dies: its GPU is free for its replacement (slot 2)
    long pid = scheduler.pids("a").get(1);
    scheduler.evict("a", pid);
    await().atMost(Duration.ofSeconds(20)).until(() -> exits.size() == 1);
    scheduler.launch(request("a", 2, 1, 1));
    await().atMost(Duration.ofSeconds(20)).until(() -> log("a", 2).contains("gpus="));
    assertThat(log("a", 2)).contains("gpus=[GPU-bbbb]");

    scheduler.stop("a");
    scheduler.launch(request("b", 0, 2, 1));
    await().atMost(Duration.ofSeconds(20)).until(() -> log("b", 1).contains("gpus="));
    assertThat(log("b", 0)).contains("gpus=[GPU-aaaa]");
  }

  @Test
  void aCpuJobGetsNoGpuEnvironment() throws Exception {
    scheduler.launch(request("cpu", 0, 1, 0));
    await().atMost(Duration.ofSeconds(20)).until(() -> log("cpu", 0).contains("gpus="));
    assertThat(log("cpu", 0)).contains("gpus=[] order=[]");
  }
}
