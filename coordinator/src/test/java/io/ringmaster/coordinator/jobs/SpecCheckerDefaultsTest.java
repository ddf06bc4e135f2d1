package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.config.CoordinatorConfigReader;
import io.ringmaster.coordinator.datasets.StoredDatasets;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.JobDefaults;
import io.ringmaster.job.spec.KubernetesSpec;
import io.ringmaster.job.spec.ResourceSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's installation defaults (its configuration file's {@code jobDefaults}, as the Helm chart
 * renders it) reach the jobs it accepts, for what the submitted spec leaves out.
 */
class SpecCheckerDefaultsTest {
  private static final DatasetInfo TRAIN = new DatasetInfo(3000, 1, 1, 784, 10);
  private static final DatasetInfo TEST = new DatasetInfo(1000, 1, 1, 784, 10);

  private static final JobDefaults CHART = CoordinatorConfigReader.read("""
      jobDefaults:
        resources: {heapMb: 2048, offheapMb: 4096, threads: 2}
        gpuKubernetes:
          nodeSelector: {nvidia.com/gpu.present: "true"}
          tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
      """, "coordinator.yaml", Map.of()).jobDefaults();

  /** A spec as the CLI sends it: as given, nothing filled in. */
  private static io.ringmaster.proto.v1.JobSpec.Builder given() {
    return io.ringmaster.proto.v1.JobSpec.newBuilder().setName("defaults")
        .setModel(io.ringmaster.proto.v1.ModelSpec.newBuilder()
            .setBuiltin(io.ringmaster.proto.v1.BuiltinModel.newBuilder().setArchitecture("mlp")))
        .setData(io.ringmaster.proto.v1.DataSpec.newBuilder()
            .setTrain(io.ringmaster.proto.v1.DatasetRef.newBuilder().setPath("spark:/train").setLabelColumn("label")
                .setFormat(io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_CSV))
            .setTest(io.ringmaster.proto.v1.DatasetRef.newBuilder().setPath("spark:/test").setLabelColumn("label")
                .setFormat(io.ringmaster.proto.v1.DatasetRef.Format.FORMAT_CSV)))
        .setEpochs(1).setBatchSize(64).setWorkers(2)
        .setUpdater(io.ringmaster.proto.v1.UpdaterSpec.newBuilder().setType("adam").setLearningRate(1e-3));
  }

  private static SpecChecker checker(JobDefaults d) {
    return new SpecChecker(64, StoredDatasets.NONE, d);
  }

  @Test
  void aJobThatSaysNothingGetsTheInstallationsWorkerResources() {
    ValidatedJob v = checker(CHART).checkWithShapes(given().build(), TRAIN, TEST);
    assertThat(v.spec().resources()).isEqualTo(new ResourceSpec(2048, 4096, 2, 0));
    assertThat(v.spec().kubernetes()).as("no GPUs: no GPU placement").isEqualTo(KubernetesSpec.EMPTY);
    assertThat(v.specProto().getResources().getHeapMb()).as("stored and sent resolved").isEqualTo(2048);
  }

  @Test
  void aGpuJobGetsTheGpuNodeSelectorAndTolerationsAndItsOwnValuesWin() {
    var spec = given().setResources(io.ringmaster.proto.v1.ResourceSpec.newBuilder().setGpus(1).setHeapMb(512))
        .build();
    ValidatedJob v = checker(CHART).checkWithShapes(spec, TRAIN, TEST);
    assertThat(v.spec().resources()).isEqualTo(new ResourceSpec(512, 4096, 2, 1));
    assertThat(v.spec().kubernetes().nodeSelector()).isEqualTo(Map.of("nvidia.com/gpu.present", "true"));
    assertThat(v.spec().kubernetes().tolerations()).extracting(KubernetesSpec.Toleration::key)
        .containsExactly("nvidia.com/gpu");
  }

  @Test
  void withoutInstallationDefaultsTheBuiltInOnesApply() {
    ValidatedJob v = checker(JobDefaults.BUILT_IN).checkWithShapes(given().build(), TRAIN, TEST);
    assertThat(v.spec().resources()).isEqualTo(ResourceSpec.DEFAULTS);
  }
}
