package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The chart's unit tests, one row per behaviour: values in ({@code --set}), the rendered objects checked
 * (parsed strictly, see {@link StrictManifests}).
 */
class ChartValuesTest {
  private static final Chart CHART = Chart.ringmaster();
  private static final String DATA_DIR = "/var/lib/ringmaster";

  /** What the coordinator may do in its namespace: resource -> verbs. Nothing else, no wildcards. */
  private static final Map<String, Set<String>> ALLOWED_VERBS = Map.of(
      "/pods", Set.of("create", "get", "list", "watch", "delete"),
      "/events", Set.of("create"),
      "/configmaps", Set.of("create", "get", "list", "watch", "delete"),
      // the per-job Secret of the job secret: no list or watch (it would read every Secret in the namespace)
      "/secrets", Set.of("create", "get", "delete"),
      "ringmaster.io/trainingjobs", Set.of("create", "get", "list", "watch", "update", "patch", "delete"),
      "ringmaster.io/trainingjobs/status", Set.of("get", "update", "patch"));

  record Case(String behaviour, Map<String, Object> sets, Consumer<RenderedChart> check) {
    @Override
    public String toString() {
      return behaviour;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("the coordinator runs `ringmaster coordinator` with the Kubernetes scheduler's flags", Map.of(),
            chart -> assertThat(chart.coordinatorArgs()).containsExactly(
                "coordinator", "--host", "0.0.0.0", "--port", "7070", "--data-dir", DATA_DIR,
                "--scheduler", "kubernetes", "--k8s-namespace", Chart.NAMESPACE,
                "--k8s-worker-image", "ringmaster/worker:0.1.0",
                "--k8s-worker-image-cuda", "ringmaster/worker-cuda:0.1.0",
                "--k8s-image-pull-policy", "IfNotPresent",
                "--k8s-service-account", "rm-ringmaster-worker",
                "--advertise-address", "rm-ringmaster.training.svc.cluster.local:7070",
                "--k8s-gang-timeout", "120",
                "--k8s-worker-port", "7071",
                "--config", "/etc/ringmaster/coordinator.yaml", "--tokens-file", "/etc/ringmaster-tokens/tokens.yaml",
                "--tls-cert", "/var/run/ringmaster/tls/tls.crt",
                "--tls-key", "/var/run/ringmaster/tls/tls.key",
                "--tls-ca", "/var/run/ringmaster/tls/ca.crt",
                "--k8s-worker-tls-secret", "rm-ringmaster-worker-tls")),

        new Case("client tokens by default: only the tokens file of the generated Secret is mounted, read-only",
            Map.of(), chart -> {
              VolumeMount mount = mountAt(chart.coordinatorContainer(), "/etc/ringmaster-tokens");
              assertThat(mount.getReadOnly()).isTrue();
              Volume v = volume(chart, mount.getName());
              assertThat(v.getSecret().getSecretName()).isEqualTo("rm-ringmaster-tokens");
              assertThat(v.getSecret().getItems()).extracting(i -> i.getKey()).containsExactly("tokens.yaml");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            }),

        new Case("auth.tokensSecret names the operator's Secret: none generated",
            sets("auth.tokensSecret", "team-tokens"), chart -> {
              assertThat(secretNames(chart)).as("no tokens Secret, only the TLS ones").containsExactlyInAnyOrder(TLS_SECRETS);
              assertThat(volume(chart, mountAt(chart.coordinatorContainer(), "/etc/ringmaster-tokens").getName())
                  .getSecret().getSecretName()).isEqualTo("team-tokens");
              assertThat(chart.flag("--tokens-file")).isEqualTo("/etc/ringmaster-tokens/tokens.yaml");
            }),

        new Case("auth.clientAuth=none says so to the coordinator, with no Secret and no tokens mount",
            sets("auth.clientAuth", "none"), chart -> {
              assertThat(chart.flag("--client-auth")).isEqualTo("none");
              assertThat(chart.flagValues("--tokens-file")).isEmpty();
              assertThat(secretNames(chart)).as("no tokens Secret, only the TLS ones").containsExactlyInAnyOrder(TLS_SECRETS);
              assertThat(chart.coordinatorContainer().getVolumeMounts()).extracting(VolumeMount::getMountPath)
                  .doesNotContain("/etc/ringmaster-tokens");
            }),

        new Case("auth.trainingJobTenant makes the namespace's TrainingJobs that tenant's jobs",
            sets("auth.trainingJobTenant", "team-a"),
            chart -> assertThat(chart.flag("--k8s-training-job-tenant")).isEqualTo("team-a")),

        new Case("workers.gpusPerWorker=2 makes the example job ask for 2 GPUs; the GPU placement is a default for GPU jobs, none on the coordinator",
            sets("workers.gpusPerWorker", 2, "workers.gpuNodeSelector.gpu-pool", "a100"),
            chart -> {
              assertThat(chart.configFile("example-trainingjob.yaml").path("spec").path("resources").path("gpus")
                  .asInt()).isEqualTo(2);
              JsonNode gpu = chart.configFile("coordinator.yaml").path("jobDefaults").path("gpuKubernetes");
              assertThat(gpu.path("nodeSelector").path("gpu-pool").asString()).isEqualTo("a100");
              assertThat(gpu.path("tolerations").get(0).path("key").asString()).isEqualTo("nvidia.com/gpu");
              PodSpec coordinator = chart.coordinator().getSpec().getTemplate().getSpec();
              assertThat(chart.coordinatorContainer().getResources().getRequests()).doesNotContainKey("nvidia.com/gpu");
              assertThat(chart.coordinatorContainer().getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
              assertThat(coordinator.getTolerations()).isEmpty();
              assertThat(coordinator.getNodeSelector()).isEmpty();
            }),

        new Case("workers.resources become the coordinator's jobDefaults.resources, never GPUs; the example job asks for none",
            sets("workers.resources.heapMb", 1536, "workers.resources.threads", 2),
            chart -> {
              JsonNode resources = chart.configFile("coordinator.yaml").path("jobDefaults").path("resources");
              assertThat(resources.path("heapMb").asInt()).isEqualTo(1536);
              assertThat(resources.path("offheapMb").asInt()).isEqualTo(2048);
              assertThat(resources.path("threads").asInt()).isEqualTo(2);
              assertThat(resources.has("gpus")).isFalse();
              assertThat(chart.configFile("coordinator.yaml").path("jobDefaults").has("kubernetes"))
                  .as("no placement values set").isFalse();
              assertThat(chart.configFile("example-trainingjob.yaml").path("spec").has("resources")).isFalse();
            }),

        new Case("workers.nodeSelector, tolerations, schedulerName and queue become jobDefaults.kubernetes",
            sets("workers.nodeSelector.pool", "training", "workers.tolerations[0].key", "spot",
                "workers.tolerations[0].operator", "Exists", "workers.schedulerName", "volcano",
                "workers.queue", "team-a"),
            chart -> {
              JsonNode k = chart.configFile("coordinator.yaml").path("jobDefaults").path("kubernetes");
              assertThat(k.path("nodeSelector").path("pool").asString()).isEqualTo("training");
              assertThat(k.path("tolerations").get(0).path("key").asString()).isEqualTo("spot");
              assertThat(k.path("schedulerName").asString()).isEqualTo("volcano");
              assertThat(k.path("queue").asString()).isEqualTo("team-a");
            }),

        new Case("rbac.volcanoPodGroups lets the coordinator create and delete PodGroups, and nothing else more",
            sets("rbac.volcanoPodGroups", true),
            chart -> {
              Map<String, Set<String>> verbs = verbsByResource(chart.one(Role.class).getRules());
              assertThat(verbs).containsEntry("scheduling.volcano.sh/podgroups", Set.of("create", "get", "delete"));
              Map<String, Set<String>> others = new TreeMap<>(verbs);
              others.remove("scheduling.volcano.sh/podgroups");
              assertThat(others).isEqualTo(sorted(ALLOWED_VERBS));
            }),

        new Case("images.pullSecrets reach the coordinator's pod and, one flag each, the workers",
            sets("images.pullSecrets[0]", "regcred", "images.pullSecrets[1]", "mirror"),
            chart -> {
              assertThat(chart.coordinator().getSpec().getTemplate().getSpec().getImagePullSecrets())
                  .extracting(s -> s.getName()).containsExactly("regcred", "mirror");
              assertThat(chart.flagValues("--k8s-image-pull-secret")).containsExactly("regcred", "mirror");
            }),

        new Case("image tags and pull policies go where they belong",
            sets("images.worker.tag", "w1", "images.workerCuda.repository", "reg/cuda", "images.coordinator.tag", "c1",
                "images.coordinator.pullPolicy", "Always", "images.workerPullPolicy", "Never"),
            chart -> {
              assertThat(chart.coordinatorContainer().getImage()).isEqualTo("ringmaster/coordinator:c1");
              assertThat(chart.coordinatorContainer().getImagePullPolicy()).isEqualTo("Always");
              assertThat(chart.flag("--k8s-worker-image")).isEqualTo("ringmaster/worker:w1");
              assertThat(chart.flag("--k8s-worker-image-cuda")).isEqualTo("reg/cuda:0.1.0");
              assertThat(chart.flag("--k8s-image-pull-policy")).isEqualTo("Never");
            }),

        new Case("no NetworkPolicy when networkPolicy.enabled=false", sets("networkPolicy.enabled", false),
            chart -> assertThat(chart.all(NetworkPolicy.class)).isEmpty()),

        new Case("NetworkPolicies: clients and workers reach the coordinator on 7070; workers reach each other on the collective port; nothing else",
            Map.of(), chart -> {
              NetworkPolicy coordinator = chart.named(NetworkPolicy.class, "rm-ringmaster-coordinator");
              assertThat(coordinator.getSpec().getPodSelector().getMatchLabels())
                  .isEqualTo(chart.coordinator().getSpec().getTemplate().getMetadata().getLabels());
              assertThat(coordinator.getSpec().getPolicyTypes()).containsExactly("Ingress");
              assertThat(coordinator.getSpec().getIngress()).hasSize(1);
              assertThat(ports(coordinator.getSpec().getIngress().get(0).getPorts())).containsExactly("TCP/7070");
              assertThat(coordinator.getSpec().getIngress().get(0).getFrom()).hasSize(2);
              assertThat(coordinator.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector()
                  .getMatchExpressions().get(0).getKey()).isEqualTo("ringmaster.io/job");

              NetworkPolicy workers = chart.named(NetworkPolicy.class, "rm-ringmaster-workers");
              assertThat(workers.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
              assertThat(workers.getSpec().getIngress()).hasSize(1);
              assertThat(ports(workers.getSpec().getIngress().get(0).getPorts())).containsExactly("TCP/7071");
              assertThat(workers.getSpec().getIngress().get(0).getFrom()).singleElement()
                  .satisfies(peer -> assertThat(peer.getPodSelector().getMatchExpressions().get(0).getKey())
                      .isEqualTo("ringmaster.io/job"));
              assertThat(workers.getSpec().getEgress()).extracting(rule -> ports(rule.getPorts()))
                  .containsExactly(List.of("TCP/7070"), List.of("TCP/7071"), List.of("UDP/53", "TCP/53"));
              assertThat(workers.getSpec().getEgress().get(0).getTo().get(0).getPodSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/component", "coordinator");
            }),

        new Case("workers.collectivePort=0 (workers pick their ports) lets workers reach each other on any port, still only each other",
            sets("workers.collectivePort", 0), chart -> {
              NetworkPolicy workers = chart.named(NetworkPolicy.class, "rm-ringmaster-workers");
              assertThat(workers.getSpec().getIngress()).singleElement().satisfies(rule -> {
                assertThat(rule.getPorts()).isEmpty();
                assertThat(rule.getFrom()).singleElement().satisfies(peer ->
                    assertThat(peer.getPodSelector().getMatchExpressions().get(0).getKey()).isEqualTo("ringmaster.io/job"));
              });
              assertThat(workers.getSpec().getEgress()).extracting(rule -> ports(rule.getPorts()))
                  .containsExactly(List.of("TCP/7070"), List.of(), List.of("UDP/53", "TCP/53"));
            }),

        new Case("the Role grants no verbs beyond the list, in the release namespace only", Map.of(), chart -> {
          Role role = chart.one(Role.class);
          assertThat(verbsByResource(role.getRules())).isEqualTo(sorted(ALLOWED_VERBS));
          RoleBinding binding = chart.one(RoleBinding.class);
          assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
          assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo("rm-ringmaster");
            assertThat(subject.getNamespace()).isEqualTo(Chart.NAMESPACE);
          });
          assertThat(chart.coordinator().getSpec().getTemplate().getSpec().getServiceAccountName())
              .isEqualTo("rm-ringmaster");
        }),

        new Case("the capacity ClusterRole only reads nodes and pods", Map.of(), chart -> {
          ClusterRole capacity = chart.one(ClusterRole.class);
          assertThat(verbsByResource(capacity.getRules())).isEqualTo(sorted(Map.of(
              "/nodes", Set.of("get", "list", "watch"), "/pods", Set.of("get", "list", "watch"))));
          assertThat(chart.one(ClusterRoleBinding.class).getSubjects()).singleElement()
              .satisfies(s -> assertThat(s.getName()).isEqualTo("rm-ringmaster"));
        }),

        new Case("rbac.clusterCapacityRead=false: nothing cluster-wide", sets("rbac.clusterCapacityRead", false),
            chart -> {
              assertThat(chart.all(ClusterRole.class)).isEmpty();
              assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
              assertThat(chart.all(Role.class)).hasSize(1);
            }),

        new Case("the workers' ServiceAccount has no token and no binding, and --k8s-service-account names it",
            Map.of(), chart -> {
              ServiceAccount workers = chart.named(ServiceAccount.class, "rm-ringmaster-worker");
              assertThat(workers.getAutomountServiceAccountToken()).isFalse();
              assertThat(chart.flag("--k8s-service-account")).isEqualTo("rm-ringmaster-worker");
              assertThat(chart.all(RoleBinding.class)).flatExtracting(RoleBinding::getSubjects)
                  .extracting(s -> s.getName()).doesNotContain("rm-ringmaster-worker");
            }),

        new Case("the StatefulSet mounts the PVC at the data dir",
            sets("persistence.size", "50Gi", "persistence.storageClass", "ssd"), chart -> {
              assertThat(chart.flag("--data-dir")).isEqualTo(DATA_DIR);
              PersistentVolumeClaim claim = chart.coordinator().getSpec().getVolumeClaimTemplates().get(0);
              assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("50Gi");
              assertThat(claim.getSpec().getStorageClassName()).isEqualTo("ssd");
              assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
              assertThat(mountAt(chart.coordinatorContainer(), DATA_DIR).getName())
                  .isEqualTo(claim.getMetadata().getName());
            }),

        new Case("persistence.existingClaim mounts that claim at the data dir instead of a claim template",
            sets("persistence.existingClaim", "old-runs"), chart -> {
              assertThat(chart.coordinator().getSpec().getVolumeClaimTemplates()).isEmpty();
              VolumeMount mount = mountAt(chart.coordinatorContainer(), DATA_DIR);
              Volume volume = volume(chart, mount.getName());
              assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("old-runs");
            }),

        new Case("data.existingClaim mounts the datasets read-only on the coordinator and names them in the workers' volumes",
            sets("data.existingClaim", "datasets", "data.mountPath", "/datasets"), chart -> {
              VolumeMount mount = mountAt(chart.coordinatorContainer(), "/datasets");
              assertThat(mount.getReadOnly()).isTrue();
              assertThat(volume(chart, mount.getName()).getPersistentVolumeClaim().getClaimName()).isEqualTo("datasets");
              JsonNode volumes = chart.configFile("coordinator.yaml").path("jobDefaults").path("kubernetes")
                  .path("volumes");
              assertThat(volumes.get(0).path("claimName").asString()).isEqualTo("datasets");
              assertThat(volumes.get(0).path("mountPath").asString()).isEqualTo("/datasets");
              assertThat(chart.configFile("example-trainingjob.yaml").path("spec").path("data").path("train")
                  .path("path").asString()).startsWith("/datasets/");
              assertThat(chart.flagValues("--data-root")).as("jobs may read data under the mount")
                  .containsExactly("/datasets");
            }),

        new Case("TCP probes on the gRPC port with TLS (the kubelet's gRPC probe cannot speak TLS)", Map.of(), chart -> {
          Container c = chart.coordinatorContainer();
          for (var probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
            assertThat(probe.getTcpSocket().getPort().getIntVal()).isEqualTo(7070);
            assertThat(probe.getGrpc()).isNull();
          }
        }),

        new Case("gRPC health probes on the gRPC port without TLS", sets("tls.enabled", false), chart -> {
          Container c = chart.coordinatorContainer();
          for (var probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
            assertThat(probe.getGrpc().getPort()).isEqualTo(7070);
            assertThat(probe.getHttpGet()).isNull();
            assertThat(probe.getTcpSocket()).isNull();
          }
          assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(7070));
        }),

        new Case("coordinator.port moves the flag, the container port, the probes, the Services, the address and the NetworkPolicies",
            sets("coordinator.port", 9000), chart -> {
              assertThat(chart.flag("--port")).isEqualTo("9000");
              assertThat(chart.flag("--advertise-address")).endsWith(":9000");
              assertThat(chart.coordinatorContainer().getLivenessProbe().getTcpSocket().getPort().getIntVal())
                  .isEqualTo(9000);
              assertThat(chart.coordinatorContainer().getPorts().get(0).getContainerPort()).isEqualTo(9000);
              assertThat(chart.all(Service.class)).allSatisfy(s ->
                  assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(9000));
              assertThat(ports(chart.named(NetworkPolicy.class, "rm-ringmaster-coordinator").getSpec().getIngress()
                  .get(0).getPorts())).containsExactly("TCP/9000");
              assertThat(ports(chart.named(NetworkPolicy.class, "rm-ringmaster-workers").getSpec().getEgress()
                  .get(0).getPorts())).containsExactly("TCP/9000");
            }),

        new Case("the Services and the PodDisruptionBudget select the coordinator's pod", Map.of(), chart -> {
          Map<String, String> podLabels = chart.coordinator().getSpec().getTemplate().getMetadata().getLabels();
          assertThat(chart.all(Service.class)).allSatisfy(s ->
              assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));
          PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
          assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
          assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        }),

        new Case("no PodDisruptionBudget when podDisruptionBudget.enabled=false",
            sets("podDisruptionBudget.enabled", false),
            chart -> assertThat(chart.all(PodDisruptionBudget.class)).isEmpty()),

        new Case("scheduler.gangTimeoutSeconds becomes --k8s-gang-timeout", sets("scheduler.gangTimeoutSeconds", 600),
            chart -> assertThat(chart.flag("--k8s-gang-timeout")).isEqualTo("600")),

        new Case("workers.collectivePort becomes --k8s-worker-port (the port the NetworkPolicy opens)",
            sets("workers.collectivePort", 7100),
            chart -> assertThat(chart.flag("--k8s-worker-port")).isEqualTo("7100")),

        new Case("coordinator.extraArgs are appended after the chart's flags", sets("coordinator.extraArgs[0]", "--verbose"),
            chart -> assertThat(chart.coordinatorArgs()).endsWith("--k8s-worker-tls-secret", "rm-ringmaster-worker-tls", "--verbose")),

        new Case("a changed ConfigMap changes the pod template (and so rolls the coordinator)",
            sets("workers.gpusPerWorker", 1), chart -> {
              String defaultChecksum = CHART.render(Map.of()).coordinator().getSpec().getTemplate().getMetadata()
                  .getAnnotations().get("checksum/config");
              assertThat(chart.coordinator().getSpec().getTemplate().getMetadata().getAnnotations()
                  .get("checksum/config")).isNotBlank().isNotEqualTo(defaultChecksum);
              assertThat(chart.one(ConfigMap.class).getData()).containsOnlyKeys("coordinator.yaml", "example-trainingjob.yaml");
            }),

        new Case("the coordinator runs unprivileged on a read-only root filesystem with a writable /tmp", Map.of(),
            chart -> {
              var security = chart.coordinatorContainer().getSecurityContext();
              assertThat(security.getReadOnlyRootFilesystem()).isTrue();
              assertThat(security.getAllowPrivilegeEscalation()).isFalse();
              assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
              assertThat(chart.coordinator().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
                  .isTrue();
              assertThat(volume(chart, mountAt(chart.coordinatorContainer(), "/tmp").getName()).getEmptyDir()).isNotNull();
            }),

        new Case("no Service environment variables in the coordinator (a release named ringmaster would set RINGMASTER_PORT)",
            Map.of(), chart -> assertThat(chart.coordinator().getSpec().getTemplate().getSpec().getEnableServiceLinks())
                .isFalse()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void chartBehaviour(Case c) {
    c.check().accept(CHART.render(c.sets()));
  }

  // ---- helpers

  private static Map<String, Object> sets(Object... keysAndValues) {
    Map<String, Object> sets = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      sets.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return sets;
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    List<String> out = new ArrayList<>();
    for (NetworkPolicyPort port : ports) {
      out.add(port.getProtocol() + "/" + port.getPort().getIntVal());
    }
    return out;
  }

  /** "group/resource" -> verbs, failing on wildcards, resource names and non-resource URLs. */
  private static Map<String, Set<String>> verbsByResource(List<PolicyRule> rules) {
    Map<String, Set<String>> verbs = new TreeMap<>();
    for (PolicyRule rule : rules) {
      assertThat(rule.getNonResourceURLs()).as("non-resource URLs").isEmpty();
      assertThat(rule.getVerbs()).as("verbs").doesNotContain("*");
      assertThat(rule.getApiGroups()).as("API groups").doesNotContain("*");
      assertThat(rule.getResources()).as("resources").doesNotContain("*");
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          verbs.computeIfAbsent(group + "/" + resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
        }
      }
    }
    return verbs;
  }

  private static Map<String, Set<String>> sorted(Map<String, Set<String>> map) {
    Map<String, Set<String>> out = new TreeMap<>();
    map.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
    return out;
  }

  /** The Secrets the chart renders with TLS on (its default): the coordinator's and the workers'. */
  private static final String[] TLS_SECRETS = {"rm-ringmaster-tls", "rm-ringmaster-worker-tls"};

  private static java.util.List<String> secretNames(RenderedChart chart) {
    return chart.all(io.fabric8.kubernetes.api.model.Secret.class).stream().map(x -> x.getMetadata().getName()).toList();
  }

  /**
   * The Secret the chart generates is a pre-install hook (created once, so upgrades keep the token).
   * {@code helm template} leaves hooks out: it is rendered from a copy of the chart without the hook
   * annotations, which are checked on the template itself.
   */
  @org.junit.jupiter.api.Test
  void theGeneratedTokensSecretHoldsOneAdminTokenAndOnlyItsHashInTheFile(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path tmp) throws Exception {
    assertThat(java.nio.file.Files.readString(CHART.file("templates/secret-tokens.yaml")))
        .contains("helm.sh/hook: pre-install");
    assertThat(secretNames(CHART.render(Map.of()))).as("a hook: only the TLS Secrets are rendered")
        .containsExactlyInAnyOrder(TLS_SECRETS);
    io.fabric8.kubernetes.api.model.Secret secret = CHART.withHooksAsResources(tmp.resolve("chart")).render(Map.of())
        .named(io.fabric8.kubernetes.api.model.Secret.class, "rm-ringmaster-tokens");
    String token = new String(java.util.Base64.getDecoder().decode(secret.getData().get("admin-token")),
        java.nio.charset.StandardCharsets.UTF_8);
    String tokens = new String(java.util.Base64.getDecoder().decode(secret.getData().get("tokens.yaml")),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(token).hasSize(48);
    assertThat(tokens).contains("role: admin").doesNotContain(token)
        .as("the file holds the token's SHA-256, as the coordinator compares it").contains("sha256: " + sha256Hex(token));
  }

  private static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static VolumeMount mountAt(Container container, String path) {
    return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path + " in " + container.getVolumeMounts()));
  }

  private static Volume volume(RenderedChart chart, String name) {
    return chart.coordinator().getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }
}
