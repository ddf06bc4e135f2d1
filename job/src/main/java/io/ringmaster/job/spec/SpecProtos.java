package io.ringmaster.job.spec;

import io.ringmaster.proto.v1.BuiltinModel;
import java.util.ArrayList;
import java.util.List;

/** Converts job specs between the proto form (wire) and {@link JobSpec} (everything else). */
public final class SpecProtos {
  private SpecProtos() {}

  /**
   * Reads a proto spec, fills documented defaults and validates it.
   *
   * @throws InvalidSpecException naming every bad field
   */
  public static JobSpec fromProto(io.ringmaster.proto.v1.JobSpec p) {
    List<Violation> v = new ArrayList<>();
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
          p.getData().hasTrain() ? dataset(p.getData().getTrain()) : null,
          p.getData().hasTest() ? dataset(p.getData().getTest()) : null);
    }
    UpdaterSpec updater = null;
    if (p.hasUpdater()) {
      UpdaterSpec.Type type = UpdaterSpec.Type.parse(p.getUpdater().getType());
      if (type == null) {
        v.add(new Violation("spec.updater.type",
            "unknown updater '" + p.getUpdater().getType() + "': use sgd, nesterov or adam"));
      } else {
        updater = new UpdaterSpec(type, p.getUpdater().getLearningRate(),
            p.getUpdater().hasMomentum() ? p.getUpdater().getMomentum() : UpdaterSpec.DEFAULT_MOMENTUM);
      }
    }
    ResourceSpec resources = p.hasResources()
        ? new ResourceSpec(p.getResources().getHeapMb(), p.getResources().getOffheapMb(),
            p.getResources().getThreads())
        : ResourceSpec.DEFAULTS;
    JobSpec spec = new JobSpec(
        p.getName(),
        model,
        data,
        p.getEpochs(),
        p.getBatchSize(),
        updater,
        p.hasSeed() ? p.getSeed() : JobSpec.DEFAULT_SEED,
        p.getWorkers() == 0 ? 1 : p.getWorkers(),
        Strategy.ALLREDUCE,
        resources,
        p.hasFaultTolerance() ? faultTolerance(p.getFaultTolerance()) : FaultToleranceSpec.DEFAULTS);
    throwIfInvalid(v, spec);
    return spec;
  }

  /** Combines parse violations with the validator's, dropping validator reports on fields already named. */
  static void throwIfInvalid(List<Violation> parseViolations, JobSpec spec) {
    List<Violation> all = new ArrayList<>(parseViolations);
    for (Violation later : JobSpecValidator.validate(spec)) {
      boolean covered = parseViolations.stream()
          .anyMatch(e -> e.field().startsWith(later.field()) || later.field().startsWith(e.field()));
      if (!covered) {
        all.add(later);
      }
    }
    if (!all.isEmpty()) {
      throw new InvalidSpecException(all);
    }
  }

  private static FaultToleranceSpec faultTolerance(io.ringmaster.proto.v1.FaultToleranceSpec f) {
    return new FaultToleranceSpec(f.getMinWorkers(), f.getMaxWorkers(),
        f.hasMaxReplacements() ? f.getMaxReplacements() : -1, f.getReplacementTimeoutS(),
        f.getCheckpointEverySteps(), f.getSkipNonFiniteSteps(), f.getWorkerTimeoutS(), f.getStallWarningS(),
        f.getStallTimeoutS());
  }

  private static io.ringmaster.proto.v1.FaultToleranceSpec toProto(FaultToleranceSpec f) {
    var b = io.ringmaster.proto.v1.FaultToleranceSpec.newBuilder()
        .setMinWorkers(f.minWorkers()).setMaxWorkers(f.maxWorkers())
        .setReplacementTimeoutS(f.replacementTimeoutS()).setCheckpointEverySteps(f.checkpointEverySteps())
        .setSkipNonFiniteSteps(f.skipNonFiniteSteps()).setWorkerTimeoutS(f.workerTimeoutS())
        .setStallWarningS(f.stallWarningS()).setStallTimeoutS(f.stallTimeoutS());
    if (f.maxReplacements() >= 0) {
      b.setMaxReplacements(f.maxReplacements());
    }
    return b.build();
  }

  private static DatasetRef dataset(io.ringmaster.proto.v1.DatasetRef d) {
    DatasetRef.Format format = switch (d.getFormat()) {
      case FORMAT_IDX -> DatasetRef.Format.IDX;
      case FORMAT_CSV -> DatasetRef.Format.CSV;
      default -> null;
    };
    return new DatasetRef(format, d.getPath(), emptyToNull(d.getLabelsPath()), emptyToNull(d.getLabelColumn()));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  public static io.ringmaster.proto.v1.JobSpec toProto(JobSpec s) {
    var b = io.ringmaster.proto.v1.JobSpec.newBuilder()
        .setName(s.name())
        .setEpochs(s.epochs())
        .setBatchSize(s.batchSize())
        .setSeed(s.seed())
        .setWorkers(s.workers())
        .setStrategy(io.ringmaster.proto.v1.Strategy.STRATEGY_ALLREDUCE)
        .setResources(io.ringmaster.proto.v1.ResourceSpec.newBuilder()
            .setHeapMb(s.resources().heapMb())
            .setOffheapMb(s.resources().offheapMb())
            .setThreads(s.resources().threads()))
        .setFaultTolerance(toProto(s.faultTolerance()));
    if (s.model() instanceof ModelSpec.Builtin m) {
      b.setModel(io.ringmaster.proto.v1.ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder()
          .setArchitecture(m.architecture()).addAllHidden(m.hidden()).setActivation(m.activation())));
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
      b.setUpdater(io.ringmaster.proto.v1.UpdaterSpec.newBuilder()
          .setType(s.updater().type().id())
          .setLearningRate(s.updater().learningRate())
          .setMomentum(s.updater().momentum()));
    }
    return b.build();
  }

  private static io.ringmaster.proto.v1.DatasetRef toProto(DatasetRef d) {
    var b = io.ringmaster.proto.v1.DatasetRef.newBuilder()
        .setFormat(d.format() == DatasetRef.Format.CSV
            ? io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_CSV
            : io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_IDX)
        .setPath(d.path());
    if (d.labelsPath() != null) {
      b.setLabelsPath(d.labelsPath());
    }
    if (d.labelColumn() != null) {
      b.setLabelColumn(d.labelColumn());
    }
    return b.build();
  }
}
