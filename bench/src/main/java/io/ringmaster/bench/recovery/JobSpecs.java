package io.ringmaster.bench.recovery;

import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.DataSpec;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.FaultToleranceSpec;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.UpdaterSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * The benchmark's job: an MLP on Fashion-MNIST with Adam, the same for every run except the checkpoint
 * interval. Every other fault-tolerance setting keeps its documented default (replacements allowed).
 */
final class JobSpecs {
  /** Fashion-MNIST's files as Debian's dataset-fashion-mnist installs them. */
  static final List<String> DATA_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

  private JobSpecs() {}

  /** The job spec of one run; {@code checkpointEverySteps} 0 means epoch ends only. */
  static JobSpec mlp(BenchOptions o, String name, int checkpointEverySteps) {
    Path d = o.dataDir().toAbsolutePath();
    return JobSpec.newBuilder()
        .setName(name)
        .setModel(ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder().setArchitecture("mlp")
            .addAllHidden(o.hidden()).setActivation("relu")))
        .setData(DataSpec.newBuilder()
            .setTrain(idx(d.resolve(DATA_FILES.get(0)), d.resolve(DATA_FILES.get(1))))
            .setTest(idx(d.resolve(DATA_FILES.get(2)), d.resolve(DATA_FILES.get(3)))))
        .setEpochs(o.epochs())
        .setBatchSize(o.batch())
        .setUpdater(UpdaterSpec.newBuilder().setType("adam").setLearningRate(0.001))
        .setSeed(o.trainSeed())
        .setWorkers(o.workers())
        .setFaultTolerance(FaultToleranceSpec.newBuilder().setCheckpointEverySteps(checkpointEverySteps))
        .build();
  }

  private static DatasetRef idx(Path images, Path labels) {
    return DatasetRef.newBuilder().setFormat(DatasetRef.Format.FORMAT_IDX).setPath(images.toString())
        .setLabelsPath(labels.toString()).build();
  }
}
