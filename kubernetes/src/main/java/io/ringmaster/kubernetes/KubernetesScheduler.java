package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ringmaster.coordinator.scheduler.GangDecision;
import io.ringmaster.coordinator.scheduler.LaunchRequest;
import io.ringmaster.coordinator.scheduler.SchedulerException;
import io.ringmaster.coordinator.scheduler.WorkerExit;
import io.ringmaster.coordinator.scheduler.WorkerScheduler;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.proto.v1.FailureReason;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker pods on Kubernetes, one per rank ({@link WorkerPods}), followed with an informer.
 *
 * <p><b>Gang admission.</b> Before a queued job leaves the queue the job manager asks {@link #admit}: the
 * job is told to wait (it stays QUEUED with the reason as its message) while another job's gang is still
 * being placed (one gang at a time, so two jobs that each half-fit can never both hold pods), while its
 * backoff after an earlier failed placement runs, or when the cluster's free allocatable cpu, memory and
 * GPUs cannot hold every one of its pods ({@link ClusterCapacity}; skipped when the coordinator may not list
 * nodes). Once admitted, its
 * pods are created; the gang is placed when all of them run at once. If any of them stays Pending as
 * {@code Unschedulable} for longer than the gang timeout first, every pod of the job is deleted, the job is
 * told ({@code LaunchRequest.gangListener}: it goes back to QUEUED with the scheduler's reason) and its
 * next admission waits a backoff that doubles each time, up to {@link KubernetesOptions#backoffMax()}.
 *
 * <p><b>Batch schedulers.</b> A job whose {@code kubernetes.schedulerName} or {@code kubernetes.queue} opts in
 * to Volcano, Kueue or another scheduler ({@link BatchScheduling}) is admitted at once with a note saying
 * who places its gang; none of the above applies to it (no capacity check, it never blocks or waits for
 * another gang, its Pending pods are never released). For Volcano its PodGroup is created with its first
 * pods and deleted with them.
 *
 * <p><b>Pods that end.</b> A pod that fails (non-zero exit, OOM-killed, evicted), succeeds, cannot pull its
 * image or start its container, or is deleted by someone else is reported once as a {@link WorkerExit}
 * (pid -1, its slot, and the pod's reason in plain words as the cause); the job's fault tolerance then
 * replaces the worker as it would a local process. A pod whose image cannot be pulled is deleted.
 *
 * <p><b>Restarts.</b> The first launch for a job in this coordinator's life looks for the job's pods by
 * label: pods that have not ended and whose slot is one being launched are adopted (not created again),
 * the others deleted, so a restarted coordinator never runs two pods for one slot. {@link #stop} deletes
 * every pod of the job, its Secret and its owner object; {@link #evict} deletes one pod; {@link #close} only stops
 * following pods (a restarted coordinator finds them again).
 *
 * <p><b>The job's Secret.</b> The first launch for a job creates (or, after a restart, finds) the Secret
 * {@code rm-<job>-auth} holding the job secret, owned by the job's owner object; its pods read it by
 * {@code secretKeyRef} ({@link WorkerPods}). {@link #stop} deletes it with the pods and the owner; a released gang
 * keeps it for the job's next placement. The coordinator needs create, get and delete on secrets.
 */
public final class KubernetesScheduler implements WorkerScheduler {
  private static final Logger log = LoggerFactory.getLogger(KubernetesScheduler.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Volcano's PodGroups, named without API discovery (the plural is fixed). */
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext PODGROUPS =
      new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("scheduling.volcano.sh")
          .withVersion("v1beta1").withKind(BatchScheduling.PODGROUP_KIND).withPlural("podgroups").withNamespaced(true)
          .build();

  /** One job's pods, as far as this coordinator knows them. Guarded by the scheduler. */
  private static final class JobPods {
    final String jobId;
    LaunchRequest request;
    HasMetadata owner;
    final Map<String, Integer> slotByPod = new LinkedHashMap<>();
    /** Pods already reported as ended, or deleted by this scheduler: never reported (again). */
    final Set<String> done = new HashSet<>();
    /** Pods Pending as Unschedulable: since when (nanos) and the scheduler's last message. */
    final Map<String, Long> unschedulableSince = new HashMap<>();
    final Map<String, String> unschedulableWhy = new HashMap<>();
    final Set<String> running = new HashSet<>();
    /** Pods of the first launch; the gang is placed when that many run at once. */
    int gangSize;
    boolean gangPlaced;
    /** Who places the gang: the built-in admission, or a batch scheduler (then nothing here times out). */
    BatchScheduling.Mode mode = BatchScheduling.Mode.BUILT_IN;
    boolean podGroupCreated;
    /** The job's Secret exists with the job secret (checked once per job in this coordinator's life). */
    boolean secretEnsured;

    JobPods(String jobId) {
      this.jobId = jobId;
    }
  }

  /** Backoff of a job whose gang was refused or released. */
  private record Backoff(long notBeforeNanos, Duration delay, String reason) {}

  private final KubernetesClient client;
  private final KubernetesOptions options;
  private final WorkerPods pods;
  private final LongSupplier nanoClock;
  private final Map<String, JobPods> jobs = new HashMap<>();
  private final Map<String, Backoff> backoffs = new HashMap<>();
  /** The job whose gang is being placed (admitted, not all pods running yet), or null. */
  private String placing;
  private boolean capacityCheckForbidden;
  private final SharedIndexInformer<Pod> informer;
  private final ScheduledFuture<?> gangChecks;
  /** What {@link #close} also releases (the client and timer of {@link #connect}); may be empty. */
  private final List<AutoCloseable> owned = new ArrayList<>();

  /**
   * A scheduler with its own client (in-cluster service account, else {@code ~/.kube/config} or
   * {@code KUBECONFIG}) and timer, both closed with it.
   */
  public static KubernetesScheduler connect(KubernetesOptions options) {
    KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
    ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kubernetes-gang-timeout");
      t.setDaemon(true);
      return t;
    });
    KubernetesScheduler s = new KubernetesScheduler(client, options, System::nanoTime, timer);
    s.owned.add(timer::shutdownNow);
    s.owned.add(client);
    return s;
  }

  /**
   * Starts following this coordinator's pods in {@code options.namespace()}.
   *
   * @param nanoClock monotonic clock for the gang timeout and backoffs
   * @param timer runs the gang timeout check periodically (not owned: the caller shuts it down)
   */
  public KubernetesScheduler(KubernetesClient client, KubernetesOptions options, LongSupplier nanoClock,
      ScheduledExecutorService timer) {
    this.client = client;
    this.options = options;
    this.pods = new WorkerPods(options, client.getKubernetesSerialization());
    this.nanoClock = nanoClock;
    this.informer = client.pods().inNamespace(options.namespace()).withLabel(WorkerPods.MANAGED_BY, WorkerPods.MANAGER)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            seen(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            seen(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            deleted(pod);
          }
        }, 0);
    long period = Math.max(50, Math.min(1_000, options.gangTimeout().toMillis() / 4));
    this.gangChecks = timer.scheduleWithFixedDelay(() -> {
      try {
        checkGangs();
      } catch (RuntimeException e) {
        log.error("gang timeout check failed; it runs again in {} ms", period, e);
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** The client this scheduler uses (shared with the TrainingJob reconciler). */
  public KubernetesClient client() {
    return client;
  }

  /** The namespace of the worker pods. */
  public String namespace() {
    return options.namespace();
  }

  // ------------------------------------------------------------------ admission

  @Override
  public synchronized GangDecision admit(String jobId, JobSpec spec) {
    if (BatchScheduling.of(spec.kubernetes()) != BatchScheduling.Mode.BUILT_IN) {
      String note = BatchScheduling.note(jobId, spec.workers(), spec.kubernetes());
      log.info("job {}: {}", jobId, note);
      return GangDecision.admitWithNote(note);
    }
    long now = nanoClock.getAsLong();
    Backoff b = backoffs.get(jobId);
    if (b != null && now < b.notBeforeNanos()) {
      long left = b.notBeforeNanos() - now;
      return GangDecision.waitFor(b.reason() + "; trying again in " + seconds(left) + " s",
          Duration.ofNanos(left));
    }
    if (placing != null && !placing.equals(jobId)) {
      JobPods other = jobs.get(placing);
      if (other != null && !other.gangPlaced) {
        return GangDecision.waitFor("waiting for job " + placing + "'s " + other.gangSize + " worker pod(s) to be"
            + " placed first (gangs are placed one at a time)", options.backoffInitial());
      }
      placing = null;
    }
    Optional<String> why = capacityProblem(spec);
    if (why.isPresent()) {
      Duration delay = nextDelay(b);
      backoffs.put(jobId, new Backoff(now + delay.toNanos(), delay, why.get()));
      return GangDecision.waitFor(why.get() + "; trying again in " + delay.toSeconds() + " s", delay);
    }
    placing = jobId;
    return GangDecision.admit();
  }

  private Optional<String> capacityProblem(JobSpec spec) {
    if (capacityCheckForbidden) {
      return Optional.empty();
    }
    List<Node> nodes;
    List<Pod> all;
    try {
      nodes = client.nodes().list().getItems();
      try {
        all = client.pods().inAnyNamespace().list().getItems();
      } catch (KubernetesClientException e) {
        all = client.pods().inNamespace(options.namespace()).list().getItems();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        capacityCheckForbidden = true;
        log.warn("the coordinator may not list nodes ({}): gang admission relies on the gang timeout only;"
            + " grant 'list nodes' (a ClusterRole) to check capacity before creating pods", e.getMessage());
        return Optional.empty();
      }
      log.warn("cannot read the cluster's capacity: {}; admitting and relying on the gang timeout", e.getMessage());
      return Optional.empty();
    }
    var r = spec.resources();
    Map<String, Double> perPod = new LinkedHashMap<>();
    perPod.put("cpu", (double) r.threads());
    perPod.put("memory", pods.memoryMb(r) * 1048576.0);
    perPod.put(WorkerPods.GPU, (double) r.gpus());
    return ClusterCapacity.whyNot(nodes, all, perPod, spec.workers(),
        spec.kubernetes() == null ? Map.of() : spec.kubernetes().nodeSelector());
  }

  private Duration nextDelay(Backoff previous) {
    if (previous == null) {
      return options.backoffInitial();
    }
    Duration d = previous.delay().multipliedBy(2);
    return d.compareTo(options.backoffMax()) > 0 ? options.backoffMax() : d;
  }

  // ------------------------------------------------------------------ launching, stopping

  @Override
  public synchronized void launch(LaunchRequest req) throws SchedulerException {
    String image = pods.image(req.resources(), req.kubernetes());
    if (image.isEmpty()) {
      throw new SchedulerException(FailureReason.FAILURE_REASON_LAUNCH_FAILED, "spec.resources.gpus = "
          + req.resources().gpus() + " but the coordinator has no CUDA worker image: start it with"
          + " --k8s-worker-image-cuda IMAGE, or give the job its own image (spec.kubernetes.image)", null);
    }
    JobPods jp = jobs.get(req.jobId());
    boolean first = jp == null;
    if (first) {
      jp = new JobPods(req.jobId());
      jobs.put(req.jobId(), jp);
      jp.gangSize = req.count();
      jp.mode = BatchScheduling.of(req.kubernetes());
      if (placing == null && jp.mode == BatchScheduling.Mode.BUILT_IN) {
        placing = req.jobId(); // a job resumed after a restart is not admitted through admit()
      }
    }
    jp.request = req;
    try {
      if (jp.owner == null) {
        jp.owner = owner(req.jobId());
      }
      if (!jp.secretEnsured && !req.jobSecret().isEmpty()) {
        ensureSecret(req.jobId(), req.jobSecret(), jp.owner);
        jp.secretEnsured = true;
      }
      if (jp.mode == BatchScheduling.Mode.VOLCANO && !jp.podGroupCreated) {
        createPodGroup(jp, req);
      }
      Set<Integer> adopted = first ? adopt(jp, req) : Set.of();
      for (int slot = req.firstSlot(); slot < req.firstSlot() + req.count(); slot++) {
        if (adopted.contains(slot)) {
          continue;
        }
        Pod pod = pods.pod(req, slot, suffix(), jp.owner);
        BatchScheduling.decorate(pod, req.jobId(), jp.gangSize, req.kubernetes());
        jp.slotByPod.put(pod.getMetadata().getName(), slot);
        client.pods().inNamespace(options.namespace()).resource(pod).create();
        log.info("job {}: created pod {} (slot {}, image {})", req.jobId(), pod.getMetadata().getName(), slot, image);
      }
    } catch (KubernetesClientException e) {
      throw new SchedulerException(FailureReason.FAILURE_REASON_LAUNCH_FAILED, "cannot create the worker pods of job "
          + req.jobId() + " in namespace " + options.namespace() + ": " + e.getMessage()
          + (e.getCode() == 403 ? " (the coordinator's service account needs create/delete/list/watch on pods and"
          + " configmaps, and create/get/delete on secrets, in this namespace)" : ""), e);
    }
  }

  /** The Volcano PodGroup of a job's gang (kept if a previous coordinator made it). */
  private void createPodGroup(JobPods jp, LaunchRequest req) throws SchedulerException {
    var groups = client.genericKubernetesResources(PODGROUPS).inNamespace(options.namespace());
    try {
      if (groups.withName(BatchScheduling.groupName(req.jobId())).get() == null) {
        groups.resource(BatchScheduling.podGroup(req.jobId(), options.namespace(), jp.gangSize, req.kubernetes(),
            jp.owner)).create();
        log.info("job {}: created Volcano PodGroup {} (minMember {})", req.jobId(),
            BatchScheduling.groupName(req.jobId()), jp.gangSize);
      }
      jp.podGroupCreated = true;
    } catch (KubernetesClientException e) {
      String hint = switch (e.getCode()) {
        case 403 -> "the coordinator may not create PodGroups: grant create/get/delete on podgroups"
            + " (scheduling.volcano.sh) in namespace " + options.namespace() + " (Helm: rbac.volcanoPodGroups=true)";
        case 404 -> "the cluster has no Volcano PodGroup API (" + BatchScheduling.PODGROUP_API + "): install"
            + " Volcano, or leave spec.kubernetes.schedulerName empty for Ringmaster's own gang admission";
        default -> e.getMessage();
      };
      throw new SchedulerException(FailureReason.FAILURE_REASON_LAUNCH_FAILED, "job " + req.jobId()
          + " runs under spec.kubernetes.schedulerName = volcano, but its PodGroup "
          + BatchScheduling.groupName(req.jobId()) + " cannot be created: " + hint, e);
    }
  }

  /** The job's owner object (created if missing): deleting it deletes the job's pods. */
  private HasMetadata owner(String jobId) {
    var cms = client.configMaps().inNamespace(options.namespace());
    ConfigMap existing = cms.withName(WorkerPods.ownerName(jobId)).get();
    if (existing != null) {
      return existing;
    }
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(WorkerPods.ownerName(jobId))
        .addToLabels(WorkerPods.MANAGED_BY, WorkerPods.MANAGER).addToLabels(WorkerPods.JOB, jobId).endMetadata()
        .addToData("job", jobId)
        .addToData("about", "owner of Ringmaster job " + jobId + "'s worker pods: deleting it deletes them")
        .build();
    return cms.resource(cm).create();
  }

  /**
   * The job's Secret holding {@code jobSecret}, created if missing, kept if it holds that secret (a restarted
   * coordinator, or a job requeued after its gang was released), replaced if it holds another (the coordinator's
   * key changed). Create, get and delete only: the Role grants nothing more on secrets.
   */
  private void ensureSecret(String jobId, String jobSecret, HasMetadata owner) {
    var secrets = client.secrets().inNamespace(options.namespace());
    Secret existing = secrets.withName(WorkerPods.secretName(jobId)).get();
    if (existing != null) {
      if (io.ringmaster.job.security.JobCredentials.same(jobSecret, WorkerPods.secretValue(existing))) {
        return;
      }
      log.warn("job {}: Secret {} holds another job secret (the coordinator's key changed?): replacing it", jobId,
          WorkerPods.secretName(jobId));
      secrets.withName(WorkerPods.secretName(jobId)).delete();
    }
    secrets.resource(pods.secret(jobId, jobSecret, owner)).create();
    log.info("job {}: created Secret {} (the job secret its pods read)", jobId, WorkerPods.secretName(jobId));
  }

  /**
   * After a coordinator restart: the job's pods that have not ended and hold a slot being launched are
   * kept (one per slot); every other pod of the job is deleted. Returns the adopted slots.
   */
  private Set<Integer> adopt(JobPods jp, LaunchRequest req) {
    Set<Integer> adopted = new HashSet<>();
    List<Pod> existing = client.pods().inNamespace(options.namespace()).withLabel(WorkerPods.JOB, req.jobId())
        .list().getItems();
    for (Pod p : existing) {
      String name = p.getMetadata().getName();
      int slot = slotOf(p);
      boolean inRange = slot >= req.firstSlot() && slot < req.firstSlot() + req.count();
      boolean alive = !PodOutcome.terminal(p) && PodOutcome.ended(p).isEmpty()
          && p.getMetadata().getDeletionTimestamp() == null;
      if (alive && inRange && adopted.add(slot)) {
        jp.slotByPod.put(name, slot);
        log.info("job {}: adopted pod {} (slot {}) left by a previous coordinator", req.jobId(), name, slot);
        seenLocked(jp, p);
      } else {
        jp.done.add(name);
        delete(name);
        log.info("job {}: deleted pod {} left by a previous coordinator", req.jobId(), name);
      }
    }
    return adopted;
  }

  @Override
  public void stop(String jobId) {
    boolean podGroup;
    synchronized (this) {
      JobPods jp = jobs.remove(jobId);
      podGroup = jp != null && jp.podGroupCreated;
      if (jp != null) {
        jp.done.addAll(jp.slotByPod.keySet());
      }
      if (jobId.equals(placing)) {
        placing = null;
      }
    }
    try {
      client.pods().inNamespace(options.namespace()).withLabel(WorkerPods.JOB, jobId).delete();
      if (podGroup) { // also garbage-collected with the owner object on a real cluster
        client.genericKubernetesResources(PODGROUPS).inNamespace(options.namespace())
            .withName(BatchScheduling.groupName(jobId)).delete();
      }
      // also garbage-collected with the owner object on a real cluster; deleted here so that it is gone at once
      client.secrets().inNamespace(options.namespace()).withName(WorkerPods.secretName(jobId)).delete();
      client.configMaps().inNamespace(options.namespace()).withName(WorkerPods.ownerName(jobId)).delete();
    } catch (KubernetesClientException e) {
      log.warn("job {}: cannot delete its worker pods, Secret and owner: {}; delete them with kubectl delete"
          + " pods,secrets,configmaps -n {} -l {}={}", jobId, e.getMessage(), options.namespace(), WorkerPods.JOB, jobId);
    }
  }

  @Override
  public synchronized void evict(String jobId, long pid, int slot) {
    JobPods jp = jobs.get(jobId);
    if (jp == null) {
      return;
    }
    jp.slotByPod.forEach((name, s) -> {
      if (s == slot && jp.done.add(name)) {
        log.warn("job {}: deleting pod {} (slot {})", jobId, name, slot);
        delete(name);
      }
    });
  }

  @Override
  public boolean launchesWorkers() {
    return true;
  }

  @Override
  public void close() {
    gangChecks.cancel(false);
    informer.close();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {}: {}", c, e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ following pods

  private void seen(Pod pod) {
    List<Runnable> tell = new ArrayList<>();
    synchronized (this) {
      JobPods jp = jobs.get(pod.getMetadata().getLabels().get(WorkerPods.JOB));
      if (jp == null || !jp.slotByPod.containsKey(pod.getMetadata().getName())) {
        return;
      }
      tell.addAll(seenLocked(jp, pod));
    }
    tell.forEach(Runnable::run);
  }

  /** Records what a pod's status says; returns the reports to make (outside the lock). */
  private List<Runnable> seenLocked(JobPods jp, Pod pod) {
    String name = pod.getMetadata().getName();
    if (jp.done.contains(name)) {
      return List.of();
    }
    Optional<PodOutcome.Ended> ended = PodOutcome.ended(pod);
    if (ended.isPresent()) {
      jp.done.add(name);
      jp.running.remove(name);
      jp.unschedulableSince.remove(name);
      if (!PodOutcome.terminal(pod)) {
        delete(name); // stuck (image, container config): it would wait for ever
      }
      log.warn("job {}: {}", jp.jobId, ended.get().cause());
      return List.of(report(jp, name, ended.get()));
    }
    Optional<String> unschedulable = PodOutcome.unschedulable(pod);
    if (unschedulable.isPresent()) {
      jp.unschedulableSince.putIfAbsent(name, nanoClock.getAsLong());
      jp.unschedulableWhy.put(name, unschedulable.get());
    } else {
      jp.unschedulableSince.remove(name);
    }
    if (PodOutcome.running(pod)) {
      jp.running.add(name);
      if (!jp.gangPlaced && jp.running.size() >= jp.gangSize) {
        jp.gangPlaced = true;
        backoffs.remove(jp.jobId);
        if (jp.jobId.equals(placing)) {
          placing = null;
        }
        log.info("job {}: all {} worker pod(s) run: gang placed", jp.jobId, jp.gangSize);
      }
    }
    return List.of();
  }

  private void deleted(Pod pod) {
    Runnable tell;
    synchronized (this) {
      JobPods jp = jobs.get(pod.getMetadata().getLabels().get(WorkerPods.JOB));
      String name = pod.getMetadata().getName();
      if (jp == null || !jp.slotByPod.containsKey(name) || !jp.done.add(name)) {
        return;
      }
      jp.running.remove(name);
      jp.unschedulableSince.remove(name);
      PodOutcome.Ended why = PodOutcome.ended(pod).orElse(new PodOutcome.Ended(-1, "pod " + name
          + " was deleted (by someone else, or its node went away)"));
      tell = report(jp, name, why);
    }
    tell.run();
  }

  private Runnable report(JobPods jp, String podName, PodOutcome.Ended ended) {
    WorkerExit exit = new WorkerExit(jp.jobId, jp.slotByPod.get(podName), -1, ended.exitCode(),
        Path.of("kubectl logs -n " + options.namespace() + " " + podName), List.of(), ended.cause());
    var listener = jp.request.listener();
    return () -> listener.onExit(exit);
  }

  /**
   * Releases every gang whose pods have been Unschedulable for longer than the gang timeout before all of
   * them ran. Runs periodically on the timer; public for tests that drive the clock.
   */
  public void checkGangs() {
    List<Runnable> tell = new ArrayList<>();
    synchronized (this) {
      long now = nanoClock.getAsLong();
      for (JobPods jp : List.copyOf(jobs.values())) {
        if (jp.gangPlaced || jp.unschedulableSince.isEmpty() || jp.mode != BatchScheduling.Mode.BUILT_IN) {
          continue;
        }
        long oldest = jp.unschedulableSince.values().stream().mapToLong(Long::longValue).min().orElse(now);
        if (now - oldest < options.gangTimeout().toNanos()) {
          continue;
        }
        tell.add(release(jp, now));
      }
    }
    tell.forEach(Runnable::run);
  }

  private Runnable release(JobPods jp, long now) {
    String example = jp.unschedulableWhy.values().stream().findFirst().orElse("");
    int stuck = jp.unschedulableSince.size();
    Duration delay = nextDelay(backoffs.get(jp.jobId));
    String reason = stuck + " of " + jp.gangSize + " worker pod(s) could not be placed within "
        + options.gangTimeout().toSeconds() + " s (" + example + "); all its pods were removed so it holds"
        + " nothing while it waits";
    backoffs.put(jp.jobId, new Backoff(now + delay.toNanos(), delay, "requeued: " + stuck + " of " + jp.gangSize
        + " worker pod(s) could not be placed within " + options.gangTimeout().toSeconds() + " s (" + example + ")"));
    jobs.remove(jp.jobId);
    jp.done.addAll(jp.slotByPod.keySet());
    if (jp.jobId.equals(placing)) {
      placing = null;
    }
    log.warn("job {}: {}", jp.jobId, reason);
    try {
      client.pods().inNamespace(options.namespace()).withLabel(WorkerPods.JOB, jp.jobId).delete();
    } catch (KubernetesClientException e) {
      log.warn("job {}: cannot delete its pods: {}", jp.jobId, e.getMessage());
    }
    var listener = jp.request.gangListener();
    return () -> listener.gangReleased(reason + "; trying again in " + delay.toSeconds() + " s");
  }

  /** How many of the job's pods the informer has seen Pending as Unschedulable (for tests). */
  synchronized int unschedulablePods(String jobId) {
    JobPods jp = jobs.get(jobId);
    return jp == null ? 0 : jp.unschedulableSince.size();
  }

  // ------------------------------------------------------------------ helpers

  private void delete(String podName) {
    try {
      client.pods().inNamespace(options.namespace()).withName(podName).delete();
    } catch (KubernetesClientException e) {
      log.warn("cannot delete pod {}: {}", podName, e.getMessage());
    }
  }

  private static int slotOf(Pod p) {
    try {
      return Integer.parseInt(p.getMetadata().getLabels().getOrDefault(WorkerPods.SLOT, "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static long seconds(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos + 999_999_999L));
  }
}
