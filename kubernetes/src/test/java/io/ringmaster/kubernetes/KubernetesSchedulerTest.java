package io.ringmaster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.worker.WorkerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes scheduler inside a real coordinator, against fabric8's mock API server in CRUD mode.
 * Nothing schedules or runs pods there: {@link FakeKubelet} moves their status as a cluster would, and
 * the workers of "running" pods are {@link WorkerRuntime}s started in this JVM on loopback with the job
 * id and slot of their pod.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesSchedulerTest {
  static final String CPU_IMAGE = "registry.example/ringmaster-worker:1.0";
  static final String CUDA_IMAGE = "registry.example/ringmaster-worker-cuda:1.0";
  static final Duration GANG_TIMEOUT = Duration.ofSeconds(30);

  KubernetesClient client;
  @TempDir Path tmp;

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private ScheduledExecutorService timer;
  private FakeKubelet kubelet;
  private final List<AutoCloseable> closeLast = new ArrayList<>();

  @BeforeEach
  void setUp() {
    timer = Executors.newSingleThreadScheduledExecutor();
    kubelet = new FakeKubelet(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeLast.size() - 1; i >= 0; i--) {
      closeLast.get(i).close();
    }
    timer.shutdownNow();
  }

  private KubernetesScheduler scheduler() {
    KubernetesScheduler s = new KubernetesScheduler(client, KubernetesOptions.of(FakeKubelet.NS, CPU_IMAGE, CUDA_IMAGE)
        .withGangTimeout(GANG_TIMEOUT, Duration.ofMillis(200), Duration.ofSeconds(2)), clock::get, timer);
    return s;
  }

  private CoordinatorServer coordinator(KubernetesScheduler s) throws Exception {
    CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("coordinator"))
        .store(new InMemoryJobStore())
        .settings(new JobSettings(2, 100, 64, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(180),
            Duration.ofSeconds(3)))
        .scheduler(s).build().start();
    closeLast.add(c);
    return c;
  }

  private String submit(CoordinatorServer c, String name, int workers, int train, String extra) throws Exception {
    String yaml = SyntheticData.jobYaml(tmp.resolve(name), workers, train, 64, extra);
    return c.jobs().submit(SpecProtos.toProto(JobSpecYaml.parse(yaml, tmp))).getId();
  }

  private static Job job(CoordinatorServer c, String id) {
    return c.jobs().get(id).orElseThrow();
  }

  private WorkerRuntime workerFor(CoordinatorServer c, Pod pod) throws Exception {
    Map<String, String> labels = pod.getMetadata().getLabels();
    WorkerRuntime w = new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + c.port(), "127.0.0.1", 0,
        labels.get(WorkerPods.JOB), pod.getMetadata().getName(), Integer.parseInt(labels.get(WorkerPods.SLOT)), ""))
        .start();
    closeLast.add(w);
    return w;
  }

  static final String GPU_JOB = """
      resources: {heapMb: 256, offheapMb: 256, gpus: 1}
      kubernetes:
        nodeSelector: {pool: gpu}
        tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
        priorityClassName: training
        volumes: [{claimName: fashion-data, mountPath: /data, readOnly: true}]
      """;

  @Test
  void aFourWorkerGpuJobGetsFourPodsThatTrainItToTheEndThenAreDeleted() throws Exception {
    kubelet.node("gpu-a", 8, 32, 2);
    kubelet.node("gpu-b", 8, 32, 2);
    CoordinatorServer c = coordinator(scheduler());
    String id = submit(c, "gpu", 4, 512, GPU_JOB);

    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 4);
    List<Pod> pods = kubelet.pods(id);
    ConfigMap owner = client.configMaps().inNamespace(FakeKubelet.NS).withName("rm-" + id).get();
    assertThat(owner).isNotNull();
    for (int slot = 0; slot < 4; slot++) {
      Pod p = pods.get(slot);
      assertThat(p.getMetadata().getLabels()).containsEntry(WorkerPods.JOB, id)
          .containsEntry(WorkerPods.SLOT, Integer.toString(slot)).containsEntry(WorkerPods.MANAGED_BY, "ringmaster");
      assertThat(p.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
        assertThat(o.getKind()).isEqualTo("ConfigMap");
        assertThat(o.getName()).isEqualTo("rm-" + id);
        assertThat(o.getUid()).isEqualTo(owner.getMetadata().getUid());
      });
      Container w = p.getSpec().getContainers().get(0);
      assertThat(w.getImage()).isEqualTo(CUDA_IMAGE);
      assertThat(w.getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("1"))
          .containsEntry("cpu", new Quantity("1")).containsEntry("memory", new Quantity("1024Mi"));
      assertThat(w.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"))
          .containsEntry("memory", new Quantity("1024Mi"));
      assertThat(w.getArgs()).containsSubsequence("worker", "--coordinator", "--job", id, "--slot",
          Integer.toString(slot));
      Map<String, String> env = w.getEnv().stream().filter(e -> e.getValue() != null)
          .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
      assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-Xmx256m").contains("-XX:+UseSerialGC")
          .contains("-Dorg.bytedeco.javacpp.maxbytes=256m");
      assertThat(env).containsEntry("OMP_NUM_THREADS", "1");
      assertThat(p.getSpec().getNodeSelector()).containsEntry("pool", "gpu");
      assertThat(p.getSpec().getTolerations()).singleElement()
          .satisfies(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
      assertThat(p.getSpec().getPriorityClassName()).isEqualTo("training");
      assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
      assertThat(p.getSpec().getVolumes()).singleElement()
          .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("fashion-data"));
      assertThat(w.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
    }
    assertThat(job(c, id).getState()).isEqualTo(JobState.STARTING);

    for (Pod p : pods) {
      kubelet.running(p, Integer.parseInt(p.getMetadata().getLabels().get(WorkerPods.SLOT)) < 2 ? "gpu-a" : "gpu-b");
      workerFor(c, p);
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> job(c, id).getState() == JobState.SUCCEEDED
        || job(c, id).getState() == JobState.FAILED);
    Job done = job(c, id);
    assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.SUCCEEDED);
    assertThat(done.getEpochs(0).getSamples()).isEqualTo(512);
    assertThat(done.getEpochs(0).getWorkers()).isEqualTo(4);
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).isEmpty());
    assertThat(client.configMaps().inNamespace(FakeKubelet.NS).withName("rm-" + id).get()).isNull();
  }
}
