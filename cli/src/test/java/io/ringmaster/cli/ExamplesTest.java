package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example job files parse, validate and say what the docs promise. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final String DATA = "/usr/share/datasets/fashion-mnist/";

  @Test
  void fashionMlp() {
    JobSpec spec = JobSpecYaml.read(EXAMPLES.resolve("fashion-mlp.yaml"));

    assertThat(spec.model()).isEqualTo(new ModelSpec.Builtin("mlp", List.of(256, 128), "relu"));
    assertCommon(spec);
    assertThat(spec.epochs()).isEqualTo(3);
    assertThat(spec.workers()).isEqualTo(2);
  }

  @Test
  void fashionLenet() {
    JobSpec spec = JobSpecYaml.read(EXAMPLES.resolve("fashion-lenet.yaml"));

    assertThat(spec.model()).isInstanceOf(ModelSpec.Builtin.class);
    assertThat(((ModelSpec.Builtin) spec.model()).architecture()).isEqualTo("lenet");
    assertCommon(spec);
  }

  private static void assertCommon(JobSpec spec) {
    assertThat(spec.batchSize()).isEqualTo(128);
    assertThat(spec.seed()).isEqualTo(42);
    assertThat(spec.updater()).isEqualTo(new UpdaterSpec(UpdaterSpec.Type.ADAM, 0.001, UpdaterSpec.DEFAULT_MOMENTUM));
    assertThat(spec.data().train()).isEqualTo(DatasetRef.idx(DATA + "train-images-idx3-ubyte.gz",
        DATA + "train-labels-idx1-ubyte.gz"));
    assertThat(spec.data().test()).isEqualTo(DatasetRef.idx(DATA + "t10k-images-idx3-ubyte.gz",
        DATA + "t10k-labels-idx1-ubyte.gz"));
  }
}
