package io.ringmaster.job.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecResolverTest {
  static final DataSpec DATA = new DataSpec(DatasetRef.idx("/d/train", "/d/train-labels"),
      DatasetRef.idx("/d/test", "/d/test-labels"));

  /** Only what has no default: model, data, epochs, batch size, updater type and learning rate. */
  static JobSpec minimal(Integer workers, FaultToleranceSpec ft) {
    return new JobSpec(null, ModelSpec.Builtin.mlp(), DATA, 2, 64, new UpdaterSpec(UpdaterSpec.Type.NESTEROV, 0.01,
        null), null, workers, null, null, ft, null);
  }

  static FaultToleranceSpec ft(int minWorkers, int maxReplacements, double stallWarningS, double stallTimeoutS) {
    return new FaultToleranceSpec(minWorkers, 0, maxReplacements, 0, 0, false, 0, stallWarningS, stallTimeoutS);
  }

  @Test
  void fillsEveryDefault() {
    JobSpec s = JobSpecResolver.resolve(minimal(null, null));
    assertThat(s.name()).isEmpty();
    assertThat(s.seed()).isEqualTo(JobSpec.DEFAULT_SEED);
    assertThat(s.workers()).isEqualTo(1);
    assertThat(s.strategy()).isEqualTo(Strategy.ALLREDUCE);
    assertThat(s.updater().momentum()).isEqualTo(UpdaterSpec.DEFAULT_MOMENTUM);
    assertThat(s.resources()).isEqualTo(ResourceSpec.DEFAULTS);
    assertThat(s.faultTolerance()).isEqualTo(new FaultToleranceSpec(1, 1, 2, 120, 0, false, 6, 5, 30));
    assertThat(s.ft()).isSameAs(s.faultTolerance());
  }

  @Test
  void faultToleranceDefaultsFollowTheWorkerCountAndSetValuesStay() {
    JobSpec s = JobSpecResolver.resolve(minimal(3, ft(2, 0, 0, 40)));
    assertThat(s.faultTolerance()).isEqualTo(new FaultToleranceSpec(2, 3, 0, 120, 0, false, 6, 5, 40));
    assertThat(JobSpecResolver.resolve(minimal(4, null)).faultTolerance().maxReplacements()).isEqualTo(8);
  }

  @Test
  void modelAndDatasetDefaultsAreFilledHereToo() {
    DataSpec csv = new DataSpec(new DatasetRef(null, "/d/train.csv.gz", null, null, null, null),
        new DatasetRef(null, "/d/test.idx", "/d/test-labels", " ", null, null));
    JobSpec given = new JobSpec(null, new ModelSpec.Builtin("mlp", List.of(), " "), csv, 1, 8,
        UpdaterSpec.adam(1e-3), null, null, null, null, null, null);
    JobSpec s = JobSpecResolver.resolve(given);
    assertThat(s.model()).isEqualTo(ModelSpec.Builtin.mlp());
    assertThat(s.data().train()).isEqualTo(DatasetRef.csv("/d/train.csv.gz", DatasetRef.DEFAULT_LABEL_COLUMN));
    assertThat(s.data().test()).isEqualTo(new DatasetRef(DatasetRef.Format.IDX, "/d/test.idx", "/d/test-labels", " ", null, null));
  }

  @Test
  void aHiddenSizeThatCouldNotBeReadIsReportedNotThrown() {
    JobSpec given = new JobSpec(null, new ModelSpec.Builtin("mlp", java.util.Arrays.asList(16, null), "relu"), DATA,
        1, 8, UpdaterSpec.adam(1e-3), null, null, null, null, null, null);
    assertThatThrownBy(() -> JobSpecResolver.resolve(given))
        .isInstanceOfSatisfying(InvalidSpecException.class, e ->
            assertThat(e.violations()).extracting(Violation::field).containsExactly("spec.model.hidden[1]"));
  }

  @Test
  void resourcesLeftAtZeroTakeTheirDefault() {
    JobSpec given = new JobSpec("n", ModelSpec.Builtin.mlp(), DATA, 1, 8, UpdaterSpec.adam(1e-3), 7L, 2,
        Strategy.ALLREDUCE, new ResourceSpec(512, 0, 0, 0), null, null);
    assertThat(JobSpecResolver.resolve(given).resources()).isEqualTo(new ResourceSpec(512, 2048, 1, 0));
  }

  @Test
  void resolvingAResolvedSpecChangesNothingAndItsProtoCarriesEveryValue() {
    JobSpec once = JobSpecResolver.resolve(minimal(2, null));
    assertThat(JobSpecResolver.resolve(once)).isEqualTo(once);
    io.ringmaster.proto.v1.JobSpec p = SpecProtos.toProto(once);
    assertThat(p.hasSeed()).isTrue();
    assertThat(p.getWorkers()).isEqualTo(2);
    assertThat(p.getUpdater().hasMomentum()).isTrue();
    assertThat(p.getResources().getHeapMb()).isEqualTo(ResourceSpec.DEFAULT_HEAP_MB);
    assertThat(p.getFaultTolerance().hasMaxReplacements()).isTrue();
    assertThat(p.getFaultTolerance().getStallTimeoutS()).isEqualTo(FaultToleranceSpec.DEFAULT_STALL_TIMEOUT_S);
    assertThat(SpecProtos.fromProto(p)).isEqualTo(once);
  }

  @Test
  void aWorkerReadsTheResolvedProtoWithoutValidatingIt() {
    // the coordinator never sends such a spec; the point is that fromProto is a plain conversion
    io.ringmaster.proto.v1.JobSpec p = SpecProtos.toProto(JobSpecResolver.resolve(minimal(2, null))).toBuilder()
        .setEpochs(0).build();
    assertThat(SpecProtos.fromProto(p).epochs()).isZero();
    assertThatThrownBy(() -> SpecProtos.resolve(p))
        .isInstanceOfSatisfying(InvalidSpecException.class, e ->
            assertThat(e.violations()).extracting(Violation::field).containsExactly("spec.epochs"));
  }

  @Test
  void valuesSetWrongAreReportedAsWrittenNotReplacedByDefaults() {
    assertThatThrownBy(() -> JobSpecResolver.resolve(minimal(2, ft(-2, -1, -1, 0))))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations()).containsExactly(
            new Violation("spec.faultTolerance.minWorkers", "must be >= 1, got -2"),
            new Violation("spec.faultTolerance.stallWarningS", "must be a finite number of seconds >= 0, got -1.0")));
  }

  @Test
  void readProblemsAreReportedWithTheValidatorsOnOtherFields() {
    JobSpec given = new JobSpec(null, null, DATA, 0, 64, UpdaterSpec.adam(1e-3), null, null, null, null, null, null);
    assertThatThrownBy(() -> JobSpecResolver.resolve(given,
        List.of(new Violation("spec.model.architecture", "is empty: use mlp or lenet"))))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.violations())
            .extracting(Violation::field).containsExactly("spec.model.architecture", "spec.epochs"));
  }
}
