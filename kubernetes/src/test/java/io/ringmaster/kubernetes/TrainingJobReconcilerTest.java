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
import io.ringmaster.worker.WorkerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TrainingJob applied with the client is submitted once, trained, and its status follows the job. */
@EnableKubernetesMockClient(crud = true)
class TrainingJobReconcilerTest {
  KubernetesClient client;
  @TempDir Path tmp;
  private final List<AutoCloseable> closeLast = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

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

  private GenericKubernetesResource trainingJob(String name, String jobYaml) {
    String indented = jobYaml.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
    return client.getKubernetesSerialization().unmarshal("""
        apiVersion: ringmaster.io/v1alpha1
        kind: TrainingJob
        metadata:
          name: %s
          namespace: %s
        spec:
        %s
        """.formatted(name, FakeKubelet.NS, indented), GenericKubernetesResource.class);
  }

  private Map<?, ?> status(String name) {
    GenericKubernetesResource r = client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB)
        .inNamespace(FakeKubelet.NS).withName(name).get();
    Object s = r == null ? null : r.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> m ? m : Map.of();
  }

  @Test
  void anAppliedTrainingJobIsSubmittedOnceTrainedAndItsStatusFollowsTheJob() throws Exception {
    FakeKubelet kubelet = new FakeKubelet(client);
    kubelet.node("cpu-a", 8, 32, 0);
    KubernetesScheduler scheduler = new KubernetesScheduler(client,
        KubernetesOptions.of(FakeKubelet.NS, "w:cpu", "w:cuda"), System::nanoTime, timer);
    CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("coordinator"))
        .store(new InMemoryJobStore())
        .settings(new JobSettings(2, 100, 64, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(180),
            Duration.ofSeconds(3)))
        .scheduler(scheduler)
        .extension(jobs -> new TrainingJobReconciler(client, FakeKubelet.NS, jobs).start())
        .build().start();
    closeLast.add(c);
    String yaml = SyntheticData.jobYaml(tmp.resolve("data"), 2, 256, 64, "resources: {heapMb: 256, offheapMb: 256}\n");

    client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB).inNamespace(FakeKubelet.NS)
        .resource(trainingJob("fashion", yaml)).create();

    await().atMost(Duration.ofSeconds(20)).until(() -> status("fashion").get("jobId") instanceof String);
    String id = (String) status("fashion").get("jobId");
    assertThat(c.jobs().list()).extracting(j -> j.getId()).containsExactly(id);
    await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pods(id).size() == 2);

    // seen again (a label change; a restarted reconciler lists it again): still one job
    GenericKubernetesResource again = client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB)
        .inNamespace(FakeKubelet.NS).withName("fashion").get();
    again.getMetadata().setLabels(Map.of("team", "vision"));
    client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB).inNamespace(FakeKubelet.NS)
        .resource(again).update();
    try (TrainingJobReconciler second = new TrainingJobReconciler(client, FakeKubelet.NS, c.jobs()).start()) {
      // an absence holds over time: exactly one job all along while both reconcilers see the resource
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> c.jobs().list().size() == 1);
    }

    for (Pod p : kubelet.pods(id)) {
      kubelet.running(p, "cpu-a");
      Map<String, String> labels = p.getMetadata().getLabels();
      closeLast.add(new WorkerRuntime(new WorkerRuntime.Config("127.0.0.1:" + c.port(), "127.0.0.1", 0, id,
          p.getMetadata().getName(), Integer.parseInt(labels.get(WorkerPods.SLOT)), "", null,
          KubernetesSchedulerTest.podSecurity(client, p))).start());
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> List.of("SUCCEEDED", "FAILED").contains(status("fashion").get("state")));
    Map<?, ?> done = status("fashion");
    assertThat(done.get("state")).as(String.valueOf(done.get("message"))).isEqualTo("SUCCEEDED");
    assertThat(((Number) done.get("epoch")).intValue()).isEqualTo(1);
    assertThat(((Number) done.get("testAccuracy")).doubleValue()).isBetween(0.0, 1.0);
    assertThat(Files.exists(Path.of((String) done.get("modelPath")))).isTrue();
    assertThat(c.jobs().list()).hasSize(1);
  }

  @Test
  void anInvalidSpecIsRefusedWithTheFieldPathInTheStatus() throws Exception {
    KubernetesScheduler scheduler = new KubernetesScheduler(client,
        KubernetesOptions.of(FakeKubelet.NS, "w:cpu", "w:cuda"), System::nanoTime, timer);
    CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("coordinator"))
        .store(new InMemoryJobStore()).scheduler(scheduler)
        .extension(jobs -> new TrainingJobReconciler(client, FakeKubelet.NS, jobs).start())
        .build().start();
    closeLast.add(c);
    String yaml = SyntheticData.jobYaml(tmp.resolve("data"), 2, 256, 64, "")
        .replace("epochs: 1", "epochs: 0");

    client.genericKubernetesResources(TrainingJobReconciler.TRAINING_JOB).inNamespace(FakeKubelet.NS)
        .resource(trainingJob("broken", yaml)).create();

    await().atMost(Duration.ofSeconds(20)).until(() -> "INVALID".equals(status("broken").get("state")));
    assertThat((String) status("broken").get("message")).contains("spec.epochs").contains("must be >= 1");
    assertThat(c.jobs().list()).isEmpty();
  }
}
