package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.ringmaster.coordinator.jobs.JobSettings;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.SubmitJobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input against a real coordinator on loopback: each malformed spec gets its status code and the
 * field path, and nothing already stored is lost. The external scheduler is used so no worker starts.
 */
class JobServiceValidationTest {
  @TempDir static Path tmp;
  static CoordinatorServer coordinator;
  static ManagedChannel channel;
  static JobServiceGrpc.JobServiceBlockingStub jobs;
  static JobSpec good;

  @BeforeAll
  static void start() throws Exception {
    FashionSubset data = FashionSubset.write(tmp.resolve("data"), 300, 100);
    good = SpecProtos.toProto(JobSpecYaml.parse(data.yaml(2, 1, 32), tmp));
    Files.writeString(tmp.resolve("bad-labels.idx"), "not an idx file at all");
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL)
        .settings(new JobSettings(1, 1, 8, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(1)))
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    jobs = JobServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad("missing train file", s -> s.setData(s.getData().toBuilder().setTrain(
            s.getData().getTrain().toBuilder().setPath("/no/such/train.gz"))),
            "spec.data.train.path", "/no/such/train.gz"),
        bad("labels not IDX", s -> s.setData(s.getData().toBuilder().setTest(
            s.getData().getTest().toBuilder().setLabelsPath(tmp.resolve("bad-labels.idx").toString()))),
            "spec.data.test.labels", ""),
        bad("batch smaller than workers", s -> s.setBatchSize(1), "spec.batchSize", "must be >= workers"),
        bad("too many workers", s -> s.setWorkers(9), "spec.workers", "limit"),
        bad("no epochs", s -> s.setEpochs(0), "spec.epochs", ">= 1"),
        bad("unknown updater", s -> s.setUpdater(s.getUpdater().toBuilder().setType("rmsprop")),
            "spec.updater.type", "rmsprop"),
        bad("malformed model JSON", s -> s.setModel(ModelSpec.newBuilder().setDl4JJson("{\"confs\": [")),
            "spec.model.dl4jJson", ""),
        bad("unknown architecture", s -> s.setModel(ModelSpec.newBuilder().setBuiltin(
            io.ringmaster.proto.v1.BuiltinModel.newBuilder().setArchitecture("vgg"))),
            "spec.model.architecture", "vgg"),
        bad("no model", JobSpec.Builder::clearModel, "spec.model", "missing"),
        bad("name over the cap", s -> s.setName("n".repeat(900_000)), "spec.name", "at most 200"),
        bad("path over the cap", s -> s.setData(s.getData().toBuilder().setTest(
            s.getData().getTest().toBuilder().setLabelColumn("c".repeat(5000)))),
            "spec.data.test.labelColumn", "at most 4096"),
        // issue #10: defects 2, 4, 5 and 6 through the API
        bad("unknown data format enum value", s -> s.setData(s.getData().toBuilder().setTrain(
            s.getData().getTrain().toBuilder().setFormatValue(77))), "spec.data.train.format", "enum value 77"),
        bad("unknown strategy enum value", s -> s.setStrategyValue(5), "spec.strategy", "enum value 5"),
        bad("maxReplacements -1", s -> s.setFaultTolerance(io.ringmaster.proto.v1.FaultToleranceSpec.newBuilder()
            .setMaxReplacements(-1)), "spec.faultTolerance.maxReplacements", "must be >= 0"),
        bad("heap beyond the coordinator's limit", s -> s.setResources(io.ringmaster.proto.v1.ResourceSpec.newBuilder()
            .setHeapMb(3_000_000)), "spec.resources.heapMb", "this coordinator's limit"),
        bad("a hidden layer of a billion units", s -> s.setModel(ModelSpec.newBuilder().setBuiltin(
            io.ringmaster.proto.v1.BuiltinModel.newBuilder().setArchitecture("mlp").addHidden(1_000_000_000))),
            "spec.model.hidden[0]", "between 1 and 65536"),
        bad("a model too large for its off-heap memory", s -> s.setModel(ModelSpec.newBuilder().setBuiltin(
            io.ringmaster.proto.v1.BuiltinModel.newBuilder().setArchitecture("mlp").addHidden(8192).addHidden(8192)))
            .setResources(io.ringmaster.proto.v1.ResourceSpec.newBuilder().setOffheapMb(512)),
            "spec.resources.offheapMb", "more than the 512 MiB given"),
        bad("a long non-ASCII path (its echo would overflow the trailer)", s -> s.setData(s.getData().toBuilder()
            .setTrain(s.getData().getTrain().toBuilder().setPath("/" + "é".repeat(4000)))),
            "spec.data.train.path", "no such file"));
  }

  static Arguments bad(String name, UnaryOperator<JobSpec.Builder> edit, String field, String text) {
    return Arguments.of(name, edit, field, text);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void rejectsBadSpecWithFieldPath(String name, UnaryOperator<JobSpec.Builder> edit, String field, String text) {
    int before = jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount();
    JobSpec spec = edit.apply(good.toBuilder()).build();
    assertThatThrownBy(() -> jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains(field + ": ").contains(text);
          com.google.rpc.Status details = StatusProto.fromThrowable(e);
          assertThat(details).isNotNull();
          BadRequest br = details.getDetailsList().stream()
              .filter(a -> a.is(BadRequest.class)).map(a -> {
                try {
                  return a.unpack(BadRequest.class);
                } catch (Exception ex) {
                  throw new AssertionError(ex);
                }
              }).findFirst().orElseThrow();
          // the proto path of the request in BadRequest, the job file's name in the text
          assertThat(br.getFieldViolationsList()).anySatisfy(v -> assertThat(v.getField())
              .isEqualTo(io.ringmaster.coordinator.api.ProtoFieldPaths.of(field)));
        });
    assertThat(jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount())
        .as("a rejected spec stores nothing").isEqualTo(before);
  }

  @Test
  void protoPathsInBadRequestAreTheRequestsFieldNames() {
    JobSpec spec = good.toBuilder().setBatchSize(1).setData(good.getData().toBuilder().setTest(
        good.getData().getTest().toBuilder().setLabelsPath("/no/such/labels"))).build();
    assertThatThrownBy(() -> jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getDescription()).contains("spec.batchSize: ");
          try {
            BadRequest br = StatusProto.fromThrowable(e).getDetails(0).unpack(BadRequest.class);
            assertThat(br.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .contains("spec.batch_size");
          } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
          }
        });
  }

  @Test
  void hugeIdsGetAShortAnswerNotATransportError() {
    for (int chars : new int[] {8 * 1024, 1 << 20}) {
      String id = "x".repeat(chars);
      assertThatThrownBy(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).hasSizeLessThan(300);
          });
    }
  }

  @Test
  void missingSpecIsInvalidArgument() {
    assertThatThrownBy(() -> jobs.submitJob(SubmitJobRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void unknownIdsAreNotFoundAndEmptyIdsInvalid() {
    assertThatThrownBy(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId("nope-000000").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("nope-000000");
        });
    assertThatThrownBy(() -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId("nope-000000").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> jobs.getJob(GetJobRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void fullQueueIsResourceExhaustedAndKeepsAcceptedJobs() {
    // limits: 1 queued; no worker is attached, so the job waits QUEUED for its gang of 2
    Job first = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(good).build());
    assertThat(jobs.getJob(GetJobRequest.newBuilder().setJobId(first.getId()).build()).getState())
        .isEqualTo(JobState.JOB_STATE_QUEUED);
    assertThatThrownBy(() -> jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(good).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).contains("queued");
        });
    assertThat(jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
        .extracting(Job::getId).contains(first.getId());
    // cancelling frees the queue; cancelling twice is idempotent
    Job cancelled = jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(first.getId()).build());
    assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
    assertThat(jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(first.getId()).build()).getState())
        .isEqualTo(JobState.JOB_STATE_CANCELLED);
    Job second = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(good).build());
    assertThat(jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(second.getId()).build()).getState())
        .isEqualTo(JobState.JOB_STATE_CANCELLED);
  }

  @Test
  void healthServiceAnswersServing() {
    HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
        .setService(JobServiceGrpc.SERVICE_NAME).build());
    assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }
}
