package io.ringmaster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.ComputeDevices;
import io.ringmaster.proto.v1.GpuDevice;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.worker.WorkerRuntime;
import io.ringmaster.worker.devices.DeviceDiscovery;
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
    // close the client's watches before the extension stops the mock server, which otherwise may wait
    // for them ("Unable to close MockWebServer") on a loaded machine
    client.close();
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

  /** What the in-process worker of a GPU pod reports: the CUDA backend with one GPU (this machine has none). */
  static final ComputeDevices ONE_T4 = ComputeDevices.newBuilder().setBackend("CUDA")
      .addGpus(GpuDevice.newBuilder().setIndex(0).setName("Tesla T4").setTotalMemoryBytes(16L << 30)).build();

  /** The worker a pod runs; a pod that asks for GPUs gets one reporting {@link #ONE_T4}. */
  private WorkerRuntime workerFor(CoordinatorServer c, Pod pod) throws Exception {
    boolean gpu = pod.getSpec().getContainers().get(0).getResources().getLimits().containsKey(WorkerPods.GPU);
    return workerFor(c, pod, gpu ? ONE_T4 : null);
  }

  /** The worker a pod runs, reporting {@code devices} (null: what ND4J finds in this JVM, the CPU backend). */
  private WorkerRuntime workerFor(CoordinatorServer c, Pod pod, ComputeDevices devices) throws Exception {
    Map<String, String> labels = pod.getMetadata().getLabels();
    // the pod's own credentials: the job secret the scheduler put into its environment
    WorkerRuntime w = new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + c.port(), "127.0.0.1", 0,
        labels.get(WorkerPods.JOB), pod.getMetadata().getName(), Integer.parseInt(labels.get(WorkerPods.SLOT)), "",
        null, podSecurity(client, pod)));
    if (devices != null) {
      w.devices(DeviceDiscovery.fixed(devices));
    }
    closeLast.add(w.start());
    return w;
  }

  /**
   * What a worker in {@code pod} has to prove itself: the job secret in its environment, which the kubelet
   * fills from the Secret the pod's {@code secretKeyRef} names (done here as the kubelet would).
   */
  static WorkerRuntime.Security podSecurity(KubernetesClient client, Pod pod) {
    EnvVar var = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(io.ringmaster.job.security.JobCredentials.ENV_JOB_SECRET)).findFirst()
        .orElseThrow();
    var ref = var.getValueFrom().getSecretKeyRef();
    Secret s = client.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(ref.getName()).get();
    String secret = new String(java.util.Base64.getDecoder().decode(s.getData().get(ref.getKey())),
        java.nio.charset.StandardCharsets.US_ASCII);
    return new WorkerRuntime.Security(null, secret, false);
  }

  /** The job's Secret, or null. */
  private Secret jobSecret(String id) {
    return client.secrets().inNamespace(FakeKubelet.NS).withName("rm-" + id + "-auth").get();
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
    // the job's secret lives in a Secret owned by the job's owner object (garbage-collected with it)
    String secret = io.ringmaster.job.security.JobCredentials.inDirectory(tmp.resolve("coordinator")).jobSecret(id);
    Secret authSecret = jobSecret(id);
    assertThat(authSecret).isNotNull();
    assertThat(authSecret.getMetadata().getLabels()).containsEntry(WorkerPods.JOB, id)
        .containsEntry(WorkerPods.MANAGED_BY, "ringmaster");
    assertThat(authSecret.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
      assertThat(o.getKind()).isEqualTo("ConfigMap");
      assertThat(o.getName()).isEqualTo("rm-" + id);
      assertThat(o.getUid()).isEqualTo(owner.getMetadata().getUid());
    });
    assertThat(WorkerPods.secretValue(authSecret)).isEqualTo(secret).hasSize(64);
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
      assertThat(env).as("no literal job secret in the pod spec").doesNotContainKey(
          io.ringmaster.job.security.JobCredentials.ENV_JOB_SECRET);
      assertThat(w.getEnv()).filteredOn(e -> e.getName().equals(io.ringmaster.job.security.JobCredentials.ENV_JOB_SECRET))
          .singleElement().satisfies(e -> {
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("rm-" + id + "-auth");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(WorkerPods.SECRET_KEY);
          });
      assertThat(client.getKubernetesSerialization().asJson(p)).as("the secret appears nowhere in the pod")
          .doesNotContain(secret);
      assertThat(w.getArgs()).as("no TLS secret configured: the operator chose plaintext pods").contains("--insecure");
      assertThat(p.getSpec().getNodeSelector()).containsEntry("pool", "gpu");
      assertThat(p.getSpec().getTolerations()).singleElement()
          .satisfies(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
      assertThat(p.getSpec().getPriorityClassName()).isEqualTo("training");
      assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
      assertThat(p.getSpec().getVolumes()).singleElement()
          .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("fashion-data"));
      assertThat(w.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
    }
    assertThat(job(c, id).getState()).isEqualTo(JobState.JOB_STATE_STARTING);

    for (Pod p : pods) {
      kubelet.running(p, Integer.parseInt(p.getMetadata().getLabels().get(WorkerPods.SLOT)) < 2 ? "gpu-a" : "gpu-b");
      workerFor(c, p);
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> job(c, id).getState() == JobState.JOB_STATE_SUCCEEDED
        || job(c, id).getState() == JobState.JOB_STATE_FAILED);
    Job done = job(c, id);
    assertThat(done.getState()).as(done.getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(done.getEpochs(0).getSamples()).isEqualTo(512);
    assertThat(done.getEpochs(0).getWorkers()).isEqualTo(4);
    assertThat(done.getWorkersList()).as("each worker's reported GPU is in the job's status")
        .allSatisfy(w -> assertThat(w.getDevices()).isEqualTo(ONE_T4));
    // stop() deletes the pods, the job's Secret, then their owner ConfigMap: wait for all to be gone
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).isEmpty() && jobSecret(id) == null
        && client.configMaps().inNamespace(FakeKubelet.NS).withName("rm-" + id).get() == null);
  }

  /**
   * GPU pods whose workers turn out to run ND4J's CPU backend (a CPU image given as the job's image, say):
   * the job fails before training with GPU_UNAVAILABLE and a message saying what the worker found.
   */
  @Test
  void aGpuJobWhoseWorkersHaveNoCudaBackendFailsBeforeTrainingSayingWhatTheyFound() throws Exception {
    kubelet.node("gpu-a", 8, 32, 2);
    CoordinatorServer c = coordinator(scheduler());
    String id = submit(c, "no-cuda", 2, 256, "resources: {heapMb: 256, offheapMb: 256, gpus: 1}\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 2);
    ComputeDevices cpuOnly = ComputeDevices.newBuilder().setBackend("CPU").build();
    for (Pod p : kubelet.pods(id)) {
      kubelet.running(p, "gpu-a");
      workerFor(c, p, cpuOnly);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> job(c, id).getState() == JobState.JOB_STATE_FAILED);
    Job failed = job(c, id);
    assertThat(failed.getReason()).isEqualTo(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_GPU_UNAVAILABLE);
    assertThat(failed.getMessage()).contains("asks for 1 GPU(s) per worker")
        .contains("runs ND4J's CPU backend (nd4j-native) and no GPU");
    assertThat(failed.getEpochsList()).isEmpty();
  }

  enum Failure { OOM_KILLED, EVICTED, IMAGE_PULL_BACK_OFF }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Failure.class)
  void aPodThatEndsIsReportedInPlainWordsAndReplaced(Failure failure) throws Exception {
    kubelet.node("cpu-a", 8, 32, 0);
    CoordinatorServer c = coordinator(scheduler());
    String id = submit(c, "fail-" + failure, 2, 256, "resources: {heapMb: 256, offheapMb: 256}\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 2);
    Pod victim = kubelet.pods(id).get(1);
    assertThat(victim.getSpec().getContainers().get(0).getImage()).isEqualTo(CPU_IMAGE);

    switch (failure) {
      case OOM_KILLED -> kubelet.oomKilled(victim);
      case EVICTED -> kubelet.evicted(victim);
      case IMAGE_PULL_BACK_OFF -> kubelet.imagePullBackOff(victim);
    }

    String words = switch (failure) {
      case OOM_KILLED -> "was OOM-killed";
      case EVICTED -> "was evicted by the kubelet: The node was low on resource: memory.";
      case IMAGE_PULL_BACK_OFF -> "cannot pull its image " + CPU_IMAGE + " (ImagePullBackOff";
    };
    await().atMost(Duration.ofSeconds(20)).until(() -> job(c, id).getWorkersList().stream()
        .anyMatch(w -> w.getMessage().contains(words)));
    assertThat(job(c, id).getWorkersList()).anySatisfy(w -> assertThat(w.getMessage())
        .contains("pod " + victim.getMetadata().getName()).contains(words));
    // replaced: a pod for slot 2, as a local worker would be
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).stream()
        .anyMatch(p -> p.getMetadata().getLabels().get(WorkerPods.SLOT).equals("2")));
    assertThat(job(c, id).getReplacements()).isEqualTo(1);
    if (failure == Failure.IMAGE_PULL_BACK_OFF) {
      await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).stream()
          .noneMatch(p -> p.getMetadata().getName().equals(victim.getMetadata().getName())));
    }
    if (failure != Failure.OOM_KILLED) {
      // end quiet: the mock server blocks its event loop (fabric8 WatchEventsListener.onClosed) when a watch
      // closes while it still sends that watch events, so no pod may change while the test tears down
      c.jobs().cancel(id).orElseThrow().get(10, java.util.concurrent.TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).isEmpty());
    }
    if (failure == Failure.OOM_KILLED) {
      // the replacement and the survivor train the job to the end
      for (Pod p : kubelet.pods(id)) {
        if (!p.getMetadata().getName().equals(victim.getMetadata().getName())) {
          kubelet.running(p, "cpu-a");
          workerFor(c, p);
        }
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> job(c, id).getState() == JobState.JOB_STATE_SUCCEEDED
          || job(c, id).getState() == JobState.JOB_STATE_FAILED);
      assertThat(job(c, id).getState()).as(job(c, id).getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
      // completion deletes every pod; waiting for it also ends the test quiet (see above): a DELETE still in
      // flight while the coordinator closes its informer made the mock server fail to close
      await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).isEmpty());
    }
  }

  @Test
  void cancelDeletesEveryPodAndTheOwner() throws Exception {
    kubelet.node("cpu-a", 8, 32, 0);
    CoordinatorServer c = coordinator(scheduler());
    String id = submit(c, "cancel", 3, 256, "resources: {heapMb: 256, offheapMb: 256}\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 3);

    Job cancelled = c.jobs().cancel(id).orElseThrow().get(10, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    // stop() deletes the pods, the job's Secret, then their owner ConfigMap: wait for all to be gone
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).isEmpty() && jobSecret(id) == null
        && client.configMaps().inNamespace(FakeKubelet.NS).withName("rm-" + id).get() == null);
  }

  /**
   * Two jobs that each need the whole cluster's 4 GPUs: only one gang holds pods at a time. The first
   * gets 2 pods placed and 2 unschedulable; after the gang timeout its pods are removed and it is QUEUED
   * again with the scheduler's reason, and the second is admitted. While the second runs, the first waits
   * for capacity; once the second is cancelled, the first gets its pods.
   */
  @Test
  void anUnschedulableGangIsReleasedAndRequeuedAndCompetingJobsDoNotDeadlock() throws Exception {
    kubelet.node("gpu-a", 8, 32, 2);
    kubelet.node("gpu-b", 8, 32, 2);
    KubernetesScheduler scheduler = scheduler();
    CoordinatorServer c = coordinator(scheduler);
    String gpus = "resources: {heapMb: 256, offheapMb: 256, gpus: 1}\n";
    String a = submit(c, "job-a", 4, 256, gpus);
    await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.pods(a).size() == 4);
    String b = submit(c, "job-b", 4, 256, gpus);
    await().atMost(Duration.ofSeconds(60)).until(() -> job(c, b).getMessage().contains("waiting for job " + a));
    assertThat(job(c, b).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
    assertThat(kubelet.pods(b)).isEmpty();

    List<Pod> podsOfA = kubelet.pods(a);
    kubelet.running(podsOfA.get(0), "gpu-a");
    kubelet.running(podsOfA.get(1), "gpu-a");
    String why = "0/2 nodes are available: 2 Insufficient nvidia.com/gpu.";
    kubelet.unschedulable(podsOfA.get(2), why);
    kubelet.unschedulable(podsOfA.get(3), why);
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.unschedulablePods(a) == 2);
    scheduler.checkGangs(); // nothing yet: the timeout has not passed
    assertThat(kubelet.pods(a)).hasSize(4);
    assertThat(job(c, a).getState()).isEqualTo(JobState.JOB_STATE_STARTING);

    clock.addAndGet(GANG_TIMEOUT.plusSeconds(1).toNanos());
    scheduler.checkGangs();

    await().atMost(Duration.ofSeconds(60)).until(() -> job(c, a).getState() == JobState.JOB_STATE_QUEUED);
    // the message says why, then how long the backoff still runs
    assertThat(job(c, a).getMessage()).contains("requeued: 2 of 4 worker pod(s) could not be placed within 30 s")
        .contains(why).contains("trying again in");
    await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.pods(b).size() == 4);
    assertThat(kubelet.pods(a)).as("never both gangs").isEmpty();

    for (Pod p : kubelet.pods(b)) {
      kubelet.running(p, Integer.parseInt(p.getMetadata().getLabels().get(WorkerPods.SLOT)) < 2 ? "gpu-a" : "gpu-b");
    }
    clock.addAndGet(Duration.ofSeconds(5).toNanos()); // past job a's backoff
    // job a's admission is retried (on the coordinator's real timers) until the fake clock passes its backoff
    await().atMost(Duration.ofSeconds(60)).alias("job a's message after its backoff")
        .until(() -> job(c, a).getMessage().contains("the cluster has room for 0 of the job's 4 worker pod(s)"));
    assertThat(job(c, a).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
    assertThat(kubelet.pods(a)).isEmpty();

    c.jobs().cancel(b).orElseThrow().get(10, java.util.concurrent.TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(b).isEmpty());
    clock.addAndGet(Duration.ofSeconds(5).toNanos());
    await().atMost(Duration.ofSeconds(60)).until(() -> kubelet.pods(a).size() == 4);
    assertThat(job(c, a).getState()).isEqualTo(JobState.JOB_STATE_STARTING);
  }

  /**
   * A restarted coordinator's scheduler finds the job's pods by label: pods that still run or wait keep
   * their slot (no second pod for it), an ended one is deleted and created anew, and the adopted pods'
   * ends are reported to the new coordinator's job.
   */
  @Test
  void aRestartedCoordinatorAdoptsItsPodsWithoutDuplicates() throws Exception {
    kubelet.node("cpu-a", 8, 32, 0);
    var resources = new io.ringmaster.job.spec.ResourceSpec(256, 256, 1, 0);
    List<io.ringmaster.coordinator.scheduler.WorkerExit> before = new java.util.concurrent.CopyOnWriteArrayList<>();
    KubernetesScheduler first = scheduler();
    first.launch(new io.ringmaster.coordinator.scheduler.LaunchRequest("adopt-1", 0, 3, tmp, resources,
        "ringmaster:7000", before::add));
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods("adopt-1").size() == 3);
    List<Pod> old = kubelet.pods("adopt-1");
    kubelet.running(old.get(0), "cpu-a");
    kubelet.oomKilled(old.get(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> before.size() == 1);
    first.close(); // the coordinator dies; its pods stay

    List<io.ringmaster.coordinator.scheduler.WorkerExit> after = new java.util.concurrent.CopyOnWriteArrayList<>();
    KubernetesScheduler second = scheduler();
    closeLast.add(second);
    second.launch(new io.ringmaster.coordinator.scheduler.LaunchRequest("adopt-1", 0, 3, tmp, resources,
        "ringmaster:7000", after::add));

    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods("adopt-1").stream()
        .noneMatch(p -> p.getMetadata().getName().equals(old.get(2).getMetadata().getName())));
    List<Pod> now = kubelet.pods("adopt-1");
    assertThat(now).extracting(p -> p.getMetadata().getLabels().get(WorkerPods.SLOT)).containsExactly("0", "1", "2");
    assertThat(now.get(0).getMetadata().getName()).isEqualTo(old.get(0).getMetadata().getName());
    assertThat(now.get(1).getMetadata().getName()).isEqualTo(old.get(1).getMetadata().getName());
    assertThat(now.get(2).getMetadata().getName()).isNotEqualTo(old.get(2).getMetadata().getName());

    kubelet.evicted(now.get(0));
    await().atMost(Duration.ofSeconds(10)).until(() -> after.size() == 1);
    assertThat(after.get(0).slot()).isEqualTo(0);
    assertThat(after.get(0).pid()).isEqualTo(-1);
    assertThat(after.get(0).describeExit()).contains("was evicted");
    assertThat(before).hasSize(1);
    second.stop("adopt-1");
  }

  /**
   * The coordinator stops (its job is kept in the durable store) while the job's pods wait to be
   * scheduled; the restarted coordinator resumes the job, finds the pods by label and adopts them instead
   * of creating new ones, and their workers train the job to the end.
   */
  @Test
  void aRestartedCoordinatorResumesItsJobWithTheSamePods() throws Exception {
    kubelet.node("cpu-a", 8, 32, 0);
    Path data = tmp.resolve("durable");
    KubernetesScheduler firstScheduler = scheduler();
    CoordinatorServer first = CoordinatorServer.builder().port(0).dataDir(data).scheduler(firstScheduler)
        .build().start();
    String id = submit(first, "restart", 2, 256, "resources: {heapMb: 256, offheapMb: 256}\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 2);
    List<String> before = kubelet.pods(id).stream().map(p -> p.getMetadata().getName()).toList();
    first.close(); // a clean stop keeps the job for the next coordinator, and the pods stay

    CoordinatorServer second = CoordinatorServer.builder().port(0).dataDir(data).scheduler(scheduler()).build().start();
    closeLast.add(second);
    await().atMost(Duration.ofSeconds(20)).until(() -> job(second, id).getState() == JobState.JOB_STATE_RECOVERING);
    // an absence holds over time: no second pod for any slot
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> kubelet.pods(id).stream().map(p -> p.getMetadata().getName()).toList().equals(before));

    for (Pod p : kubelet.pods(id)) {
      kubelet.running(p, "cpu-a");
      workerFor(second, p);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> job(second, id).getState() == JobState.JOB_STATE_SUCCEEDED
        || job(second, id).getState() == JobState.JOB_STATE_FAILED);
    assertThat(job(second, id).getState()).as(job(second, id).getMessage()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
    assertThat(job(second, id).getCoordinatorRestarts()).isEqualTo(1);
    assertThat(job(second, id).getReplacements()).isZero();
  }
}
