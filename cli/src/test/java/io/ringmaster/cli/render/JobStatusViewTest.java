package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.GpuDevice;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JobStatusViewTest {
  @Test
  void theWorkerTableShowsEachWorkersBackendAndGpus() {
    ComputeDevices cuda = ComputeDevices.newBuilder().setBackend("CUDA").setCudaVisibleDevices("1")
        .addGpus(GpuDevice.newBuilder().setIndex(0).setName("Tesla T4").setTotalMemoryBytes(16L << 30)).build();
    Job job = Job.newBuilder().setId("mlp-1").setState(JobState.JOB_STATE_RUNNING)
        .addWorkers(WorkerStatus.newBuilder().setRank(0).setHost("10.0.0.1").setPort(7070).setPid(42)
            .setState(WorkerState.WORKER_ACTIVE).setDevices(cuda))
        .addWorkers(WorkerStatus.newBuilder().setRank(1).setHost("10.0.0.2").setPort(7070).setPid(43)
            .setState(WorkerState.WORKER_ACTIVE).setDevices(ComputeDevices.newBuilder().setBackend("CPU")))
        .build();

    String page = JobStatusView.render(job, ZoneOffset.UTC);

    assertThat(page).contains("DEVICES");
    assertThat(page.lines().filter(l -> l.contains("10.0.0.1:7070")).findFirst()).hasValueSatisfying(l ->
        assertThat(l).contains("CUDA: 1 GPU (0: Tesla T4, 16.0 GiB), CUDA_VISIBLE_DEVICES=1"));
    assertThat(page.lines().filter(l -> l.contains("10.0.0.2:7070")).findFirst()).hasValueSatisfying(l ->
        assertThat(l).contains(" CPU "));
  }
}
