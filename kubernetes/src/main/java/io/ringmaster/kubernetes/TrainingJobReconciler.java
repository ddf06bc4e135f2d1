package io.ringmaster.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.auth.TenantQuota;
import io.ringmaster.coordinator.datasets.DatasetScope;
import io.ringmaster.coordinator.jobs.JobManager;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles {@code TrainingJob} resources ({@code ringmaster.io/v1alpha1}, CRD in
 * {@code crds/trainingjobs.ringmaster.io.yaml}) in one namespace with the coordinator's jobs.
 *
 * <p>A resource seen (added, updated, or listed again after a restart) whose job does not exist yet is
 * submitted once: its {@code spec} is read as a job file ({@link JobSpecYaml}: same fields, same
 * validation; relative paths resolve against {@code /}), the job id is remembered by the resource's uid and
 * written to {@code status.jobId}, so seeing the resource again (every status write is an update) never
 * submits a second job, also after a coordinator restart. The job's events are then written back to
 * {@code status} (state, epochs finished, the last epoch's test accuracy, message, model path); a spec the
 * coordinator refuses gets {@code status.state: INVALID} and the field-path violations as its message.
 * Deleting the resource cancels its job. The gRPC API stays the primary path: both show the same jobs.
 *
 * <p><b>Tenant.</b> The reconciler follows one namespace, and every job it submits belongs to the tenant that
 * namespace maps to ({@code --k8s-training-job-tenant}; Kubernetes RBAC decides who may create TrainingJobs
 * there): the job is recorded as that tenant's ({@code Job.tenant}), so the tenant's tokens see, watch and
 * cancel it through the API; the tenant's quota applies (a job beyond it waits as {@code PENDING}, like one
 * beyond the queue's limit); and its spec may name only that tenant's stored datasets. Without a mapping the
 * jobs have no tenant: only admins see them through the API, and they may name only datasets of no tenant.
 */
public final class TrainingJobReconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrainingJobReconciler.class);

  /** The custom resource, named without API discovery. */
  public static final ResourceDefinitionContext TRAINING_JOB = new ResourceDefinitionContext.Builder()
      .withGroup("ringmaster.io").withVersion("v1alpha1").withKind("TrainingJob").withPlural("trainingjobs")
      .withNamespaced(true).build();

  private final KubernetesClient client;
  private final String namespace;
  private final JobManager jobs;
  private final String tenant;
  private final Function<String, TenantQuota> quotas;
  /** Job id by the resource's uid. */
  private final Map<String, String> jobByUid = new ConcurrentHashMap<>();
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  /** Status writes, in order, off the informer's and the event hub's threads. */
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "trainingjob-status");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<GenericKubernetesResource> informer;

  /** A reconciler whose jobs have no tenant (only admins see them through the API). */
  public TrainingJobReconciler(KubernetesClient client, String namespace, JobManager jobs) {
    this(client, namespace, jobs, "", t -> TenantQuota.UNLIMITED);
  }

  /**
   * @param tenant the tenant the namespace's TrainingJobs belong to ("" for none)
   * @param quotas each tenant's quota, as the client API applies it
   * @throws IllegalArgumentException when {@code tenant} is not a tenant name (a DNS label)
   */
  public TrainingJobReconciler(KubernetesClient client, String namespace, JobManager jobs, String tenant,
      Function<String, TenantQuota> quotas) {
    if (!DatasetScope.validTenant(tenant)) {
      throw new IllegalArgumentException("the TrainingJob tenant must be a DNS label (lowercase letters, digits"
          + " and '-', 1-63 characters) as in the tokens file, got '" + io.ringmaster.job.spec.Echo.of(tenant, 80)
          + "'");
    }
    this.client = client;
    this.namespace = namespace;
    this.jobs = jobs;
    this.tenant = tenant;
    this.quotas = quotas;
  }

  /** Starts following TrainingJobs; returns this. */
  public TrainingJobReconciler start() {
    informer = client.genericKubernetesResources(TRAINING_JOB).inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource r) {
        reconcile(r);
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
        reconcile(r);
      }

      @Override
      public void onDelete(GenericKubernetesResource r, boolean finalStateUnknown) {
        String id = jobByUid.remove(r.getMetadata().getUid());
        if (id != null) {
          log.info("TrainingJob {} deleted: cancelling job {}", r.getMetadata().getName(), id);
          jobs.cancel(id);
        }
      }
    }, 0);
    return this;
  }

  private synchronized void reconcile(GenericKubernetesResource r) {
    String uid = r.getMetadata().getUid();
    String name = r.getMetadata().getName();
    String id = jobByUid.get(uid);
    if (id == null) {
      Object status = r.getAdditionalProperties().get("status");
      if (status instanceof Map<?, ?> s && s.get("jobId") instanceof String known && !known.isEmpty()) {
        id = known;
      }
    }
    if (id != null && jobs.get(id).isPresent()) {
      jobByUid.putIfAbsent(uid, id);
      follow(id, name);
      return;
    }
    if (id == null && statusState(r).equals("INVALID")) {
      return; // refused already; a changed spec comes as a new resource
    }
    Object spec = r.getAdditionalProperties().get("spec");
    try {
      String text = client.getKubernetesSerialization().asJson(spec == null ? Map.of() : spec);
      // as given: the coordinator fills what the resource leaves out with its installation's defaults
      Job job = jobs.submit(SpecProtos.toProto(JobSpecYaml.parseAsGiven(text, Path.of("/"),
          java.util.function.UnaryOperator.identity())), tenant, quotas.apply(tenant), DatasetScope.only(tenant));
      jobByUid.put(uid, job.getId());
      log.info("TrainingJob {}: submitted as job {} of tenant {}", name, job.getId(), tenant.isEmpty() ? "-" : tenant);
      write(name, job);
      follow(job.getId(), name);
    } catch (InvalidSpecException e) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("state", "INVALID");
      st.put("message", e.getMessage());
      writeStatus(name, st);
    } catch (JobManager.QueueFullException | JobManager.QuotaExceededException e) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("state", "PENDING");
      st.put("message", "not submitted yet: " + e.getMessage());
      writeStatus(name, st);
    }
  }

  private static String statusState(GenericKubernetesResource r) {
    Object status = r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> s && s.get("state") instanceof String st ? st : "";
  }

  /** Writes the job's events to the resource's status, from now until the job ends. */
  private void follow(String id, String name) {
    if (!watched.add(id)) {
      return;
    }
    jobs.watch(id, new StreamObserver<>() {
      @Override
      public void onNext(JobEvent e) {
        if (e.getKind() != JobEvent.Kind.PROGRESS) {
          write(name, e.getJob());
        }
      }

      @Override
      public void onError(Throwable t) {
        watched.remove(id);
      }

      @Override
      public void onCompleted() {
        // the job ended (its last state was written) or the coordinator shuts down
      }
    });
  }

  private void write(String name, Job job) {
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("jobId", job.getId());
    st.put("state", io.ringmaster.job.JobState.shortName(job.getState()));
    st.put("epoch", job.getEpochsCount());
    if (job.getEpochsCount() > 0) {
      st.put("testAccuracy", job.getEpochs(job.getEpochsCount() - 1).getTestAccuracy());
    }
    st.put("message", job.getMessage());
    if (!job.getModelPath().isEmpty()) {
      st.put("modelPath", job.getModelPath());
    }
    writeStatus(name, st);
  }

  private void writeStatus(String name, Map<String, Object> status) {
    writer.execute(() -> {
      try {
        var resource = client.genericKubernetesResources(TRAINING_JOB).inNamespace(namespace).withName(name);
        GenericKubernetesResource current = resource.get();
        if (current == null) {
          return; // deleted meanwhile
        }
        current.getAdditionalProperties().put("status", status);
        resource.updateStatus(current);
      } catch (KubernetesClientException e) {
        log.warn("TrainingJob {}: cannot write its status ({}): {}", name, status.get("state"), e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    writer.shutdownNow();
  }
}
