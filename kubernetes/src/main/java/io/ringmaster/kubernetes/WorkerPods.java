package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.WorkerJvmFlags;
import io.ringmaster.job.spec.KubernetesSpec;
import io.ringmaster.job.spec.ResourceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the pod of one worker (one rank's process) of a job.
 *
 * <p>Every pod carries the labels {@value #MANAGED_BY}={@value #MANAGER}, {@value #JOB}=job id and
 * {@value #SLOT}=slot (the coordinator finds its pods by them, also after a restart), and an owner
 * reference to the job's owner object (a ConfigMap {@code rm-<job id>}), so deleting that object deletes the
 * job's pods. The job secret reaches the container as {@code RINGMASTER_JOB_SECRET} by {@code secretKeyRef} from
 * the job's Secret {@code rm-<job id>-auth} ({@link #secret}, owned by the same object): the pod spec never
 * holds the secret itself. The container runs {@code ringmaster worker --coordinator ADDR --job JOB --slot N --host
 * $(POD_IP) --port PORT} (the image's entrypoint is the {@code ringmaster} command) with the JVM flags the
 * local scheduler gives worker processes ({@link WorkerJvmFlags}) in {@code JAVA_TOOL_OPTIONS} and
 * {@code OMP_NUM_THREADS} = {@code resources.threads}. Requests: cpu = threads, memory = heap + off-heap +
 * overhead (also the memory limit, so the kubelet's OOM kill is the JVM's bound), {@code nvidia.com/gpu} =
 * gpus (request and limit). The image is the job's own, else the CUDA image for GPU jobs, else the CPU one.
 * Placement (nodeSelector, tolerations, affinity, priority class, scheduler name, queue) and PVC volumes
 * come from the job's {@code kubernetes} section. Worker pods never restart ({@code restartPolicy: Never}):
 * a worker that dies is replaced by the job's fault tolerance, as a local process would be.
 */
final class WorkerPods {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String MANAGER = "ringmaster";
  static final String JOB = "ringmaster.io/job";
  static final String SLOT = "ringmaster.io/slot";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String GPU = "nvidia.com/gpu";
  static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
  static final String VOLCANO_QUEUE = "scheduling.volcano.sh/queue-name";
  static final String CONTAINER = "worker";
  /** The key of the job secret in the job's Secret. */
  static final String SECRET_KEY = "job-secret";

  private final KubernetesOptions options;
  private final KubernetesSerialization json;

  WorkerPods(KubernetesOptions options, KubernetesSerialization json) {
    this.options = options;
    this.json = json;
  }

  /** The name of the job's owner object (a ConfigMap). */
  static String ownerName(String jobId) {
    return "rm-" + jobId;
  }

  /** The name of the job's Secret, which holds the job secret its pods present ({@value #SECRET_KEY}). */
  static String secretName(String jobId) {
    return "rm-" + jobId + "-auth";
  }

  /**
   * The job's Secret: {@value #SECRET_KEY} = the job secret, labelled as the job's pods are and owned by the
   * job's owner object (garbage-collected with it, like the pods). Pods read it with {@code secretKeyRef}.
   */
  Secret secret(String jobId, String jobSecret, HasMetadata owner) {
    return new SecretBuilder()
        .withNewMetadata()
          .withName(secretName(jobId))
          .withNamespace(options.namespace())
          .addToLabels(MANAGED_BY, MANAGER).addToLabels(COMPONENT, "worker-auth").addToLabels(JOB, jobId)
          .withOwnerReferences(ownerReference(owner))
        .endMetadata()
        .withType("Opaque")
        .addToData(SECRET_KEY, java.util.Base64.getEncoder().encodeToString(
            jobSecret.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .build();
  }

  /** The job secret a Secret made by {@link #secret} holds, or "" if it holds none. */
  static String secretValue(Secret s) {
    String b64 = s.getData() == null ? null : s.getData().get(SECRET_KEY);
    return b64 == null ? "" : new String(java.util.Base64.getDecoder().decode(b64),
        java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static io.fabric8.kubernetes.api.model.OwnerReference ownerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
        .withBlockOwnerDeletion(true).build();
  }

  /** A pod name: {@code rm-<job>-w<slot>-<suffix>} (the suffix keeps names unique across restarts). */
  static String podName(String jobId, int slot, String suffix) {
    return "rm-" + jobId + "-w" + slot + "-" + suffix;
  }

  /** The image a job's workers run: the job's own, else CUDA for GPU jobs, else CPU; "" when none fits. */
  String image(ResourceSpec resources, KubernetesSpec k) {
    if (!k.image().isEmpty()) {
      return k.image();
    }
    return resources.gpus() > 0 ? options.workerImageCuda() : options.workerImage();
  }

  /** Memory of one worker pod, MiB: heap + off-heap + overhead. */
  int memoryMb(ResourceSpec r) {
    return r.heapMb() + r.offheapMb() + options.memoryOverheadMb();
  }

  Pod pod(LaunchRequest req, int slot, String suffix, HasMetadata owner) {
    ResourceSpec r = req.resources();
    KubernetesSpec k = req.kubernetes();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED_BY, MANAGER);
    labels.put(COMPONENT, "worker");
    labels.put(JOB, req.jobId());
    labels.put(SLOT, Integer.toString(slot));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (!k.queue().isEmpty()) {
      labels.put(KUEUE_QUEUE, k.queue());
      annotations.put(VOLCANO_QUEUE, k.queue());
    }
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(Integer.toString(r.threads())));
    requests.put("memory", new Quantity(memoryMb(r) + "Mi"));
    limits.put("memory", new Quantity(memoryMb(r) + "Mi"));
    if (r.gpus() > 0) {
      requests.put(GPU, new Quantity(Integer.toString(r.gpus())));
      limits.put(GPU, new Quantity(Integer.toString(r.gpus())));
    }
    List<String> jvm = new ArrayList<>(WorkerJvmFlags.memory(r.heapMb(), r.offheapMb()));
    jvm.addAll(WorkerJvmFlags.recommended());
    List<EnvVar> env = new ArrayList<>(List.of(
        new EnvVarBuilder().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
            .endFieldRef().endValueFrom().build(),
        new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
            .withFieldPath("metadata.name").endFieldRef().endValueFrom().build(),
        new EnvVar("OMP_NUM_THREADS", Integer.toString(r.threads()), null),
        new EnvVar("JAVA_TOOL_OPTIONS", String.join(" ", jvm), null),
        new EnvVar("RINGMASTER_WORKER_SLOT", Integer.toString(slot), null)));
    // the job's secret proves to the coordinator that the pod was started for this job: an environment
    // variable (never an argument) filled by the kubelet from the job's Secret, so the pod spec holds only its
    // name and whoever may read pods cannot read the secret (docs/SECURITY.md)
    if (!req.jobSecret().isEmpty()) {
      env.add(new EnvVarBuilder().withName(io.ringmaster.job.security.JobCredentials.ENV_JOB_SECRET)
          .withNewValueFrom().withNewSecretKeyRef().withName(secretName(req.jobId())).withKey(SECRET_KEY)
          .withOptional(false).endSecretKeyRef().endValueFrom().build());
    }
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    if (!options.workerTlsSecret().isEmpty()) {
      volumes.add(new VolumeBuilder().withName("tls").withNewSecret().withSecretName(options.workerTlsSecret())
          .withDefaultMode(0444).endSecret().build());
      mounts.add(new VolumeMountBuilder().withName("tls").withMountPath(KubernetesOptions.TLS_MOUNT).withReadOnly(true)
          .build());
      env.add(new EnvVar(io.ringmaster.job.security.TlsFiles.ENV_CERT, KubernetesOptions.TLS_MOUNT + "/tls.crt", null));
      env.add(new EnvVar(io.ringmaster.job.security.TlsFiles.ENV_KEY, KubernetesOptions.TLS_MOUNT + "/tls.key", null));
      env.add(new EnvVar(io.ringmaster.job.security.TlsFiles.ENV_CA, KubernetesOptions.TLS_MOUNT + "/ca.crt", null));
    }
    for (int i = 0; i < k.volumes().size(); i++) {
      KubernetesSpec.Volume v = k.volumes().get(i);
      String name = "data-" + i;
      volumes.add(new VolumeBuilder().withName(name).withNewPersistentVolumeClaim().withClaimName(v.claimName())
          .withReadOnly(v.readOnly()).endPersistentVolumeClaim().build());
      mounts.add(new VolumeMountBuilder().withName(name).withMountPath(v.mountPath()).withReadOnly(v.readOnly())
          .build());
    }
    var container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image(r, k))
        .withArgs(workerArgs(req, slot))
        .withEnv(env)
        .addNewPort().withName("collective").withContainerPort(options.workerPort()).endPort()
        .withNewResources().withRequests(requests).withLimits(limits).endResources()
        .withVolumeMounts(mounts);
    if (!options.imagePullPolicy().isEmpty()) {
      container.withImagePullPolicy(options.imagePullPolicy());
    }
    var spec = new PodBuilder()
        .withNewMetadata()
          .withName(podName(req.jobId(), slot, suffix))
          .withNamespace(options.namespace())
          .withLabels(labels)
          .withAnnotations(annotations)
          .withOwnerReferences(ownerReference(owner))
        .endMetadata()
        .withNewSpec()
          .withRestartPolicy("Never")
          .withAutomountServiceAccountToken(false)
          .withTerminationGracePeriodSeconds(10L)
          .withNodeSelector(k.nodeSelector().isEmpty() ? null : new LinkedHashMap<>(k.nodeSelector()))
          .withTolerations(tolerations(k))
          .withAffinity(k.affinityJson().isEmpty() ? null : json.unmarshal(k.affinityJson(), Affinity.class))
          .withPriorityClassName(k.priorityClassName().isEmpty() ? null : k.priorityClassName())
          .withSchedulerName(k.schedulerName().isEmpty() ? null : k.schedulerName())
          .withServiceAccountName(options.serviceAccount().isEmpty() ? null : options.serviceAccount())
          .withImagePullSecrets(options.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
          .withVolumes(volumes)
          .withContainers(container.build())
        .endSpec();
    return spec.build();
  }

  /** The worker's arguments; {@code --insecure} when pods get no TLS secret (the operator chose plaintext). */
  private List<String> workerArgs(LaunchRequest req, int slot) {
    List<String> args = new ArrayList<>(List.of("worker", "--coordinator", req.coordinatorTarget(), "--job", req.jobId(),
        "--slot", Integer.toString(slot), "--host", "$(POD_IP)", "--port", Integer.toString(options.workerPort())));
    if (options.workerTlsSecret().isEmpty()) {
      args.add("--insecure");
    }
    return args;
  }

  private static List<Toleration> tolerations(KubernetesSpec k) {
    List<Toleration> out = new ArrayList<>();
    for (KubernetesSpec.Toleration t : k.tolerations()) {
      out.add(new TolerationBuilder()
          .withKey(blankToNull(t.key()))
          .withOperator(blankToNull(t.operator()))
          .withValue(blankToNull(t.value()))
          .withEffect(blankToNull(t.effect()))
          .withTolerationSeconds(t.tolerationSeconds())
          .build());
    }
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
