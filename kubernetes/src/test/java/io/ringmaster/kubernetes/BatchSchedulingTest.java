package io.ringmaster.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ringmaster.coordinator.CoordinatorServer;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.KubernetesSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Jobs that opt in to Volcano or Kueue ({@link BatchScheduling}), in a real coordinator against fabric8's
 * mock API server (CRUD mode: the PodGroup is a generic resource there, and nothing schedules pods). The
 * cluster has no nodes at all, so the built-in gang admission would keep every job QUEUED: an opted-in job
 * getting its pods shows that it stepped aside.
 */
@EnableKubernetesMockClient(crud = true)
class BatchSchedulingTest {
  static final Duration GANG_TIMEOUT = Duration.ofSeconds(30);

  KubernetesClient client;
  @TempDir Path tmp;

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private ScheduledExecutorService timer;
  private FakeKubelet kubelet;
  private KubernetesScheduler scheduler;
  private CoordinatorServer coordinator;

  @BeforeEach
  void setUp() throws Exception {
    timer = Executors.newSingleThreadScheduledExecutor();
    kubelet = new FakeKubelet(client);
    scheduler = new KubernetesScheduler(client, KubernetesOptions.of(FakeKubelet.NS, "worker:1", "worker-cuda:1")
        .withGangTimeout(GANG_TIMEOUT, Duration.ofMillis(200), Duration.ofSeconds(2)), clock::get, timer);
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("coordinator"))
        .store(new InMemoryJobStore())
        .settings(new JobSettings(4, 100, 64, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(180),
            Duration.ofSeconds(3)))
        .scheduler(scheduler).build().start();
  }

  @AfterEach
  void tearDown() {
    coordinator.close();
    timer.shutdownNow();
    client.close(); // the watches first, before the extension stops the mock server
  }

  private String submit(String name, int workers, String extra) throws Exception {
    String yaml = SyntheticData.jobYaml(tmp.resolve(name), workers, 128, 32, extra);
    return coordinator.jobs().submit(SpecProtos.toProto(JobSpecYaml.parse(yaml, tmp))).getId();
  }

  private Job job(String id) {
    return coordinator.jobs().get(id).orElseThrow();
  }

  private GenericKubernetesResource podGroup(String id) {
    return client.genericKubernetesResources(KubernetesScheduler.PODGROUPS).inNamespace(FakeKubelet.NS)
        .withName("rm-" + id).get();
  }

  @Test
  void aVolcanoJobGetsAPodGroupOfItsWholeGangAndIsNeverReleasedOrRequeuedByRingmaster() throws Exception {
    String id = submit("volcano", 3, "kubernetes: {schedulerName: volcano, queue: research}\n");

    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 3);
    GenericKubernetesResource group = podGroup(id);
    assertThat(group).isNotNull();
    assertThat(group.getApiVersion()).isEqualTo("scheduling.volcano.sh/v1beta1");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) group.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("minMember", 3).containsEntry("queue", "research");
    assertThat(group.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("rm-" + id));
    for (Pod p : kubelet.pods(id)) {
      assertThat(p.getSpec().getSchedulerName()).isEqualTo("volcano");
      assertThat(p.getMetadata().getAnnotations()).containsEntry(BatchScheduling.VOLCANO_GROUP, "rm-" + id);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> job(id).getNoticesList().stream()
        .anyMatch(n -> n.contains("gang placement by Volcano (PodGroup rm-" + id + ", minMember 3, queue research)")
            && n.contains("Ringmaster's own gang admission (capacity check, one gang at a time, gang timeout)"
                + " steps aside")));

    // Volcano keeps the gang Pending in its queue: that is not a reason to release it
    for (Pod p : kubelet.pods(id)) {
      kubelet.unschedulable(p, "pod group is not ready, 3 Pending, 3 minAvailable");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.unschedulablePods(id) == 3);
    clock.addAndGet(GANG_TIMEOUT.multipliedBy(10).toNanos());
    scheduler.checkGangs();
    assertThat(kubelet.pods(id)).hasSize(3);
    assertThat(job(id).getState()).isEqualTo(JobState.JOB_STATE_STARTING);

    coordinator.jobs().cancel(id).orElseThrow().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods(id).isEmpty() && podGroup(id) == null);
  }

  @Test
  void kueueJobsAreGangsOfPlainPodsInTheirQueueAndDoNotWaitForEachOther() throws Exception {
    String a = submit("kueue-a", 2, "kubernetes: {queue: team-a}\n");
    String b = submit("kueue-b", 2, "kubernetes: {queue: team-a}\n");

    // both at once: Kueue, not Ringmaster, decides which gang runs (it gates the pods until it admits them)
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(a).size() == 2 && kubelet.pods(b).size() == 2);
    for (String id : List.of(a, b)) {
      for (Pod p : kubelet.pods(id)) {
        assertThat(p.getMetadata().getLabels()).containsEntry(WorkerPods.KUEUE_QUEUE, "team-a")
            .containsEntry(BatchScheduling.KUEUE_GROUP, "rm-" + id);
        assertThat(p.getMetadata().getAnnotations()).containsEntry(BatchScheduling.KUEUE_GROUP_COUNT, "2");
        assertThat(p.getSpec().getSchedulerName()).isNull();
      }
      assertThat(podGroup(id)).as("no Volcano PodGroup for Kueue").isNull();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> job(a).getNoticesList().stream()
        .anyMatch(n -> n.contains("gang placement by Kueue (LocalQueue team-a, pod group rm-" + a + " of 2)")));
  }

  @Test
  void withoutOptingInTheBuiltInAdmissionKeepsTheJobQueuedOnAClusterWithoutRoom() throws Exception {
    String id = submit("built-in", 2, "");
    await().atMost(Duration.ofSeconds(20)).until(() -> job(id).getMessage()
        .contains("the cluster has room for 0 of the job's 2 worker pod(s)"));
    assertThat(job(id).getState()).isEqualTo(JobState.JOB_STATE_QUEUED);
    assertThat(kubelet.pods(id)).isEmpty();
  }

  @ParameterizedTest(name = "schedulerName ''{0}'', queue ''{1}'' -> {2}")
  @CsvSource({
      "'', '', BUILT_IN",
      "default-scheduler, '', BUILT_IN",
      "volcano, '', VOLCANO",
      "volcano, research, VOLCANO",
      "'', team-a, KUEUE",
      "default-scheduler, team-a, KUEUE",
      "my-gang-scheduler, '', OTHER_SCHEDULER",
      "my-gang-scheduler, q, OTHER_SCHEDULER",
  })
  void whoPlacesTheGang(String schedulerName, String queue, BatchScheduling.Mode mode) {
    KubernetesSpec k = new KubernetesSpec(Map.of(), List.of(), "", "", "", List.of(), schedulerName, queue);
    assertThat(BatchScheduling.of(k)).isEqualTo(mode);
  }
}
