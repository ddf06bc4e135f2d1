package io.ringmaster.job.spec;

import io.ringmaster.proto.v1.BuiltinModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts job specs between the proto form (wire, store) and {@link JobSpec}. The conversions are plain:
 * no defaults, no validation. {@link #resolve} is the coordinator's entry point (convert, then {@link
 * JobSpecResolver}); {@link #fromProto} is the worker's, for the resolved spec it receives in
 * {@code Assign}.
 */
public final class SpecProtos {
  private SpecProtos() {}

  /**
   * Reads a submitted proto spec, fills every default and validates it: the resolved spec.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec resolve(io.ringmaster.proto.v1.JobSpec p) {
    return resolve(p, List.of());
  }

  /**
   * {@link #resolve(io.ringmaster.proto.v1.JobSpec)}, reporting {@code known} (problems the caller found,
   * such as its own limits) together with the spec's own.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec resolve(io.ringmaster.proto.v1.JobSpec p, List<Violation> known) {
    return resolve(p, JobDefaults.BUILT_IN, known);
  }

  /**
   * {@link #resolve(io.ringmaster.proto.v1.JobSpec, List)} with the installation's defaults for what the
   * spec leaves unset (the coordinator's {@code jobDefaults}).
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec resolve(io.ringmaster.proto.v1.JobSpec p, JobDefaults defaults, List<Violation> known) {
    List<Violation> v = new ArrayList<>(known);
    JobSpec given = convert(p, v);
    return JobSpecResolver.resolve(given, defaults, v);
  }

  /**
   * A plain conversion of a spec that was resolved before (by the coordinator, which sends and stores only
   * resolved specs): fields map one to one, nothing is filled in or checked.
   *
   * @throws IllegalArgumentException when a field has no record form (a blank architecture, an unknown
   *     updater): never for a resolved spec
   */
  public static JobSpec fromProto(io.ringmaster.proto.v1.JobSpec p) {
    List<Violation> v = new ArrayList<>();
    JobSpec spec = convert(p, v);
    if (!v.isEmpty()) {
      throw new IllegalArgumentException("not a resolved job spec: " + v);
    }
    return spec;
  }

  /**
   * Field by field; proto3 zero values of fields without presence (workers, resources, fault tolerance)
   * become "unset". A field with no record form is reported to {@code violations} and left unset.
   */
  private static JobSpec convert(io.ringmaster.proto.v1.JobSpec p, List<Violation> v) {
    ModelSpec model = null;
    switch (p.getModel().getKindCase()) {
      case BUILTIN -> {
        BuiltinModel b = p.getModel().getBuiltin();
        if (b.getArchitecture().isBlank()) {
          v.add(new Violation("spec.model.architecture", "is empty: use mlp or lenet"));
        } else {
          model = new ModelSpec.Builtin(b.getArchitecture().trim().toLowerCase(java.util.Locale.ROOT),
              b.getHiddenList(), b.getActivation());
        }
      }
      case DL4J_JSON -> model = new ModelSpec.Dl4jJson(p.getModel().getDl4JJson());
      case KIND_NOT_SET -> { /* reported by the validator as missing */ }
    }
    DataSpec data = null;
    if (p.hasData()) {
      data = new DataSpec(
          p.getData().hasTrain() ? dataset("spec.data.train", p.getData().getTrain(), v) : null,
          p.getData().hasTest() ? dataset("spec.data.test", p.getData().getTest(), v) : null);
    }
    if (p.getStrategy() == io.ringmaster.proto.v1.Strategy.UNRECOGNIZED) {
      v.add(new Violation("spec.strategy", "unknown strategy (enum value " + p.getStrategyValue()
          + "): use STRATEGY_ALLREDUCE, or leave it unset"));
    }
    UpdaterSpec updater = null;
    if (p.hasUpdater()) {
      UpdaterSpec.Type type = UpdaterSpec.Type.parse(p.getUpdater().getType());
      if (type == null) {
        v.add(new Violation("spec.updater.type",
            "unknown updater '" + p.getUpdater().getType() + "': use sgd, nesterov or adam"));
      } else {
        updater = new UpdaterSpec(type, p.getUpdater().getLearningRate(),
            p.getUpdater().hasMomentum() ? p.getUpdater().getMomentum() : null);
      }
    }
    ResourceSpec resources = p.hasResources()
        ? new ResourceSpec(p.getResources().getHeapMb(), p.getResources().getOffheapMb(),
            p.getResources().getThreads(), p.getResources().getGpus())
        : null;
    return new JobSpec(
        p.getName(),
        model,
        data,
        p.getEpochs(),
        p.getBatchSize(),
        updater,
        p.hasSeed() ? p.getSeed() : null,
        p.getWorkers() == 0 ? null : p.getWorkers(),
        p.getStrategy() == io.ringmaster.proto.v1.Strategy.STRATEGY_ALLREDUCE ? Strategy.ALLREDUCE : null,
        resources,
        p.hasFaultTolerance() ? faultTolerance(p.getFaultTolerance(), v) : null,
        p.hasKubernetes() ? kubernetes(p.getKubernetes()) : null);
  }

  private static KubernetesSpec kubernetes(io.ringmaster.proto.v1.KubernetesSpec k) {
    return new KubernetesSpec(
        java.util.Map.copyOf(k.getNodeSelectorMap()),
        k.getTolerationsList().stream().map(t -> new KubernetesSpec.Toleration(t.getKey(), t.getOperator(),
            t.getValue(), t.getEffect(), t.hasTolerationSeconds() ? t.getTolerationSeconds() : null)).toList(),
        k.getAffinityJson(), k.getPriorityClassName(), k.getImage(),
        k.getVolumesList().stream().map(v -> new KubernetesSpec.Volume(v.getClaimName(), v.getMountPath(),
            v.getReadOnly())).toList(),
        k.getSchedulerName(), k.getQueue());
  }

  private static io.ringmaster.proto.v1.KubernetesSpec toProto(KubernetesSpec k) {
    var b = io.ringmaster.proto.v1.KubernetesSpec.newBuilder();
    if (k.nodeSelector() != null) {
      b.putAllNodeSelector(k.nodeSelector());
    }
    if (k.tolerations() != null) {
      for (KubernetesSpec.Toleration t : k.tolerations()) {
        var tb = io.ringmaster.proto.v1.Toleration.newBuilder().setKey(nz(t.key())).setOperator(nz(t.operator()))
            .setValue(nz(t.value())).setEffect(nz(t.effect()));
        if (t.tolerationSeconds() != null) {
          tb.setTolerationSeconds(t.tolerationSeconds());
        }
        b.addTolerations(tb);
      }
    }
    if (k.volumes() != null) {
      for (KubernetesSpec.Volume v : k.volumes()) {
        b.addVolumes(io.ringmaster.proto.v1.PodVolume.newBuilder().setClaimName(nz(v.claimName()))
            .setMountPath(nz(v.mountPath())).setReadOnly(v.readOnly()));
      }
    }
    return b.setAffinityJson(nz(k.affinityJson())).setPriorityClassName(nz(k.priorityClassName()))
        .setImage(nz(k.image())).setSchedulerName(nz(k.schedulerName())).setQueue(nz(k.queue())).build();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static FaultToleranceSpec faultTolerance(io.ringmaster.proto.v1.FaultToleranceSpec f, List<Violation> v) {
    // "unset" is the field's absence, never a value: -1 is as wrong as -5
    if (f.hasMaxReplacements() && f.getMaxReplacements() < 0) {
      v.add(new Violation("spec.faultTolerance.maxReplacements", "must be >= 0 (leave it unset for the default,"
          + " 2 x workers), got " + f.getMaxReplacements()));
    }
    return new FaultToleranceSpec(f.getMinWorkers(), f.getMaxWorkers(),
        f.hasMaxReplacements() ? Math.max(0, f.getMaxReplacements()) : FaultToleranceSpec.UNSET_MAX_REPLACEMENTS,
        f.getReplacementTimeoutS(), f.getCheckpointEverySteps(), f.getSkipNonFiniteSteps(), f.getWorkerTimeoutS(),
        f.getStallWarningS(), f.getStallTimeoutS());
  }

  private static io.ringmaster.proto.v1.FaultToleranceSpec toProto(FaultToleranceSpec f) {
    var b = io.ringmaster.proto.v1.FaultToleranceSpec.newBuilder()
        .setMinWorkers(f.minWorkers()).setMaxWorkers(f.maxWorkers())
        .setReplacementTimeoutS(f.replacementTimeoutS()).setCheckpointEverySteps(f.checkpointEverySteps())
        .setSkipNonFiniteSteps(f.skipNonFiniteSteps()).setWorkerTimeoutS(f.workerTimeoutS())
        .setStallWarningS(f.stallWarningS()).setStallTimeoutS(f.stallTimeoutS());
    if (f.maxReplacements() != FaultToleranceSpec.UNSET_MAX_REPLACEMENTS) {
      b.setMaxReplacements(f.maxReplacements());
    }
    return b.build();
  }

  private static DatasetRef dataset(String field, io.ringmaster.proto.v1.DatasetRef d, List<Violation> v) {
    DatasetRef.Format format = switch (d.getFormat()) {
      case FORMAT_IDX -> DatasetRef.Format.IDX;
      case FORMAT_CSV -> DatasetRef.Format.CSV;
      case FORMAT_UNSPECIFIED -> null;
      case UNRECOGNIZED -> {
        v.add(new Violation(field + ".format", "unknown format (enum value " + d.getFormatValue()
            + "): use FORMAT_IDX or FORMAT_CSV, or leave it unset to infer it from the path"));
        yield null;
      }
    };
    return new DatasetRef(format, d.getPath(), emptyToNull(d.getLabelsPath()), emptyToNull(d.getLabelColumn()),
        emptyToNull(d.getDataset()), emptyToNull(d.getLabelsDataset()));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The proto form, field by field; unset fields stay unset. Send and store only resolved specs. */
  public static io.ringmaster.proto.v1.JobSpec toProto(JobSpec s) {
    var b = io.ringmaster.proto.v1.JobSpec.newBuilder()
        .setEpochs(s.epochs())
        .setBatchSize(s.batchSize());
    if (s.name() != null) {
      b.setName(s.name());
    }
    if (s.seed() != null) {
      b.setSeed(s.seed());
    }
    if (s.workers() != null) {
      b.setWorkers(s.workers());
    }
    if (s.strategy() == Strategy.ALLREDUCE) {
      b.setStrategy(io.ringmaster.proto.v1.Strategy.STRATEGY_ALLREDUCE);
    }
    if (s.resources() != null) {
      b.setResources(io.ringmaster.proto.v1.ResourceSpec.newBuilder()
          .setHeapMb(s.resources().heapMb())
          .setOffheapMb(s.resources().offheapMb())
          .setThreads(s.resources().threads())
          .setGpus(s.resources().gpus()));
    }
    if (s.faultTolerance() != null) {
      b.setFaultTolerance(toProto(s.faultTolerance()));
    }
    if (s.kubernetes() != null) {
      b.setKubernetes(toProto(s.kubernetes()));
    }
    if (s.model() instanceof ModelSpec.Builtin m) {
      var builtin = BuiltinModel.newBuilder().setArchitecture(m.architecture());
      if (m.hidden() != null) {
        builtin.addAllHidden(m.hidden());
      }
      if (m.activation() != null) {
        builtin.setActivation(m.activation());
      }
      b.setModel(io.ringmaster.proto.v1.ModelSpec.newBuilder().setBuiltin(builtin));
    } else if (s.model() instanceof ModelSpec.Dl4jJson j) {
      b.setModel(io.ringmaster.proto.v1.ModelSpec.newBuilder().setDl4JJson(j.json()));
    }
    if (s.data() != null) {
      var d = io.ringmaster.proto.v1.DataSpec.newBuilder();
      if (s.data().train() != null) {
        d.setTrain(toProto(s.data().train()));
      }
      if (s.data().test() != null) {
        d.setTest(toProto(s.data().test()));
      }
      b.setData(d);
    }
    if (s.updater() != null) {
      var u = io.ringmaster.proto.v1.UpdaterSpec.newBuilder()
          .setType(s.updater().type().id())
          .setLearningRate(s.updater().learningRate());
      if (s.updater().momentum() != null) {
        u.setMomentum(s.updater().momentum());
      }
      b.setUpdater(u);
    }
    return b.build();
  }

  private static io.ringmaster.proto.v1.DatasetRef toProto(DatasetRef d) {
    var b = io.ringmaster.proto.v1.DatasetRef.newBuilder().setPath(d.path());
    if (d.format() != null) {
      b.setFormat(d.format() == DatasetRef.Format.CSV
          ? io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_CSV
          : io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_IDX);
    }
    if (d.labelsPath() != null) {
      b.setLabelsPath(d.labelsPath());
    }
    if (d.labelColumn() != null) {
      b.setLabelColumn(d.labelColumn());
    }
    if (d.dataset() != null) {
      b.setDataset(d.dataset());
    }
    if (d.labelsDataset() != null) {
      b.setLabelsDataset(d.labelsDataset());
    }
    return b.build();
  }
}
