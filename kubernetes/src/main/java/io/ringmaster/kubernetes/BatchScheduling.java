package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.ringmaster.job.spec.KubernetesSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who places a job's gang of worker pods: Ringmaster's own gang admission, or a batch scheduler the job
 * (or the installation's {@code jobDefaults}) opted in to with {@code kubernetes.schedulerName} and
 * {@code kubernetes.queue}.
 *
 * <table>
 *   <caption>Modes</caption>
 *   <tr><th>schedulerName</th><th>queue</th><th>mode</th><th>what the coordinator adds</th></tr>
 *   <tr><td>"" or default-scheduler</td><td>""</td><td>{@link Mode#BUILT_IN}</td><td>nothing: its own gang
 *       admission (capacity check, one gang at a time, gang timeout, requeue with backoff)</td></tr>
 *   <tr><td>volcano</td><td>any</td><td>{@link Mode#VOLCANO}</td><td>a PodGroup
 *       ({@value #PODGROUP_API}) {@code rm-<job>} with {@code minMember} = workers and the queue, owned by the
 *       job's owner object; every pod annotated {@value #VOLCANO_GROUP}</td></tr>
 *   <tr><td>"" or default-scheduler</td><td>a LocalQueue</td><td>{@link Mode#KUEUE}</td><td>Kueue's plain-pod
 *       group: label {@value #KUEUE_GROUP} {@code rm-<job>}, annotation {@value #KUEUE_GROUP_COUNT} = workers,
 *       with the queue label {@value WorkerPods#KUEUE_QUEUE}; Kueue gates the pods until it admits the whole
 *       group (its "suspend")</td></tr>
 *   <tr><td>another name</td><td>any</td><td>{@link Mode#OTHER_SCHEDULER}</td><td>nothing but the
 *       schedulerName: that scheduler is trusted with the gang</td></tr>
 * </table>
 *
 * In every mode but BUILT_IN the built-in gang admission steps aside (no capacity check, no one-gang-at-a-time,
 * no release after the gang timeout: pods that wait in a queue are expected to wait) and the job is told so
 * in a notice ({@link #note}). The job's start timeout still bounds how long its workers may take to attach.
 */
final class BatchScheduling {
  static final String VOLCANO = "volcano";
  static final String DEFAULT_SCHEDULER = "default-scheduler";
  static final String PODGROUP_API = "scheduling.volcano.sh/v1beta1";
  static final String PODGROUP_KIND = "PodGroup";
  /** The pod annotation that puts a pod in a Volcano PodGroup. */
  static final String VOLCANO_GROUP = "scheduling.k8s.io/group-name";
  /** Kueue's plain-pod group: name (label) and size (annotation). */
  static final String KUEUE_GROUP = "kueue.x-k8s.io/pod-group-name";
  static final String KUEUE_GROUP_COUNT = "kueue.x-k8s.io/pod-group-total-count";

  enum Mode { BUILT_IN, VOLCANO, KUEUE, OTHER_SCHEDULER }

  private BatchScheduling() {}

  static Mode of(KubernetesSpec k) {
    String scheduler = k == null ? "" : k.schedulerName();
    String queue = k == null ? "" : k.queue();
    if (scheduler.equals(VOLCANO)) {
      return Mode.VOLCANO;
    }
    boolean defaultScheduler = scheduler.isEmpty() || scheduler.equals(DEFAULT_SCHEDULER);
    if (defaultScheduler) {
      return queue.isEmpty() ? Mode.BUILT_IN : Mode.KUEUE;
    }
    return Mode.OTHER_SCHEDULER;
  }

  /** The name of the job's PodGroup (Volcano) or pod group (Kueue): the owner object's. */
  static String groupName(String jobId) {
    return WorkerPods.ownerName(jobId);
  }

  /** What the job is told when its gang goes to a batch scheduler instead of the built-in admission. */
  static String note(String jobId, int workers, KubernetesSpec k) {
    String who = switch (of(k)) {
      case VOLCANO -> "Volcano (PodGroup " + groupName(jobId) + ", minMember " + workers
          + (k.queue().isEmpty() ? "" : ", queue " + k.queue()) + ")";
      case KUEUE -> "Kueue (LocalQueue " + k.queue() + ", pod group " + groupName(jobId) + " of " + workers + ")";
      case OTHER_SCHEDULER -> "the scheduler " + k.schedulerName();
      case BUILT_IN -> throw new IllegalArgumentException("built-in gang admission");
    };
    return "gang placement by " + who + ": Ringmaster's own gang admission (capacity check, one gang at a time,"
        + " gang timeout) steps aside; the job starts when that scheduler runs all its " + workers + " worker pod(s)";
  }

  /** Adds the labels and annotations that put {@code pod} in the job's gang for its batch scheduler. */
  static void decorate(Pod pod, String jobId, int workers, KubernetesSpec k) {
    Map<String, String> labels = new LinkedHashMap<>(pod.getMetadata().getLabels());
    Map<String, String> annotations = new LinkedHashMap<>(pod.getMetadata().getAnnotations() == null ? Map.of()
        : pod.getMetadata().getAnnotations());
    switch (of(k)) {
      case VOLCANO -> annotations.put(VOLCANO_GROUP, groupName(jobId));
      case KUEUE -> {
        labels.put(KUEUE_GROUP, groupName(jobId));
        annotations.put(KUEUE_GROUP_COUNT, Integer.toString(workers));
      }
      default -> { }
    }
    pod.getMetadata().setLabels(labels);
    pod.getMetadata().setAnnotations(annotations);
  }

  /** The job's Volcano PodGroup: its whole gang ({@code minMember}), its queue, owned by the job's owner. */
  static GenericKubernetesResource podGroup(String jobId, String namespace, int workers, KubernetesSpec k,
      HasMetadata owner) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("minMember", workers);
    if (!k.queue().isEmpty()) {
      spec.put("queue", k.queue());
    }
    if (!k.priorityClassName().isEmpty()) {
      spec.put("priorityClassName", k.priorityClassName());
    }
    return new GenericKubernetesResourceBuilder().withApiVersion(PODGROUP_API).withKind(PODGROUP_KIND)
        .withNewMetadata().withName(groupName(jobId)).withNamespace(namespace)
          .addToLabels(WorkerPods.MANAGED_BY, WorkerPods.MANAGER).addToLabels(WorkerPods.JOB, jobId)
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion())
              .withKind(owner.getKind()).withName(owner.getMetadata().getName())
              .withUid(owner.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }
}
