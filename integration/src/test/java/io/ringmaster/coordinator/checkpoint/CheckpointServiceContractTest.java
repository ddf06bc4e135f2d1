package io.ringmaster.coordinator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.MetadataUtils;
import io.ringmaster.coordinator.security.WorkerAuthenticator;
import io.ringmaster.coordinator.security.WorkerCallGuard;
import io.ringmaster.job.security.JobCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.job.testing.SampleCheckpoints;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.CheckpointsGrpc;
import io.ringmaster.job.checkpoint.CheckpointChunks;
import io.ringmaster.worker.checkpoint.CheckpointClient;
import io.ringmaster.job.checkpoint.FloatBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CheckpointService} with the worker's {@link CheckpointClient} over a real gRPC transport
 * (chosen by the subclass): round trips, status codes for bad uploads and downloads.
 */
abstract class CheckpointServiceContractTest {
  @TempDir Path dir;
  CheckpointStore store;
  final List<CheckpointRef> stored = new CopyOnWriteArrayList<>();
  Server server;
  ManagedChannel channel;
  /** Signs the job secrets the worker guard in front of the service checks. */
  final JobCredentials credentials = JobCredentials.random();

  /** Starts a server with {@code service} on the transport under test. */
  abstract Server startServer(ServerServiceDefinition service) throws Exception;

  /** A channel to {@code server}. */
  abstract ManagedChannel connect(Server server);

  /** Accepts job-a and flaky-job, refuses done-job, fails for broken-job, knows no other job. */
  final CheckpointSink sink = new CheckpointSink() {
    @Override
    public Admission admit(String jobId) {
      return switch (jobId) {
        case "job-a", "flaky-job" -> Admission.accept();
        case "broken-job" -> throw new IllegalStateException("job table unavailable");
        case "done-job" -> Admission.refuse("job done-job is SUCCEEDED");
        default -> Admission.unknownJob();
      };
    }

    @Override
    public void stored(CheckpointRef ref) {
      if (ref.getJobId().equals("flaky-job")) {
        throw new IllegalStateException("driver gone");
      }
      stored.add(ref);
    }
  };

  @BeforeEach
  void start() throws Exception {
    store = new CheckpointStore(dir.resolve("jobs"), new InMemoryJobStore());
    server = startServer(ServerInterceptors.intercept(new CheckpointService(store, sink),
        new WorkerCallGuard(new WorkerAuthenticator(credentials, false))));
    channel = connect(server);
  }

  /** The channel as a worker of {@code jobId} calls: the job named with its secret, as WorkerRuntime sends them. */
  Channel as(String jobId) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of(JobCredentials.JOB_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER), jobId);
    m.put(Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER, Metadata.ASCII_STRING_MARSHALLER),
        credentials.jobSecret(jobId));
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(m));
  }

  /** The worker's checkpoint client, for a worker of {@code jobId}. */
  CheckpointClient client(String jobId) {
    return new CheckpointClient(as(jobId));
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static int[] bits(ByteString floats) {
    float[] f = FloatBytes.toFloats(floats);
    int[] out = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = Float.floatToRawIntBits(f[i]);
    }
    return out;
  }

  @Test
  void fiveMegabyteCheckpointRoundTripsBitExactly() {
    Checkpoint c = SampleCheckpoints.fiveMegabytes("job-a", 2, 153);
    assertThat(CheckpointChunks.payloadBytes(c)).isGreaterThan(5_000_000);

    CheckpointRef ref = client("job-a").upload(c);
    assertThat(ref.getId()).isEqualTo("e0002-s000153");
    assertThat(stored).containsExactly(ref);
    assertThat(store.list("job-a")).containsExactly(ref);

    Checkpoint back = client("job-a").download("job-a", "e0002-s000153");
    assertThat(back).isEqualTo(c);
    assertThat(bits(back.getParams())).isEqualTo(bits(c.getParams()));
    assertThat(bits(back.getUpdaterState())).isEqualTo(bits(c.getUpdaterState()));
  }

  @Test
  void uploadTimes() {
    Checkpoint c = SampleCheckpoints.fiveMegabytes("job-a", 1, 0);
    long[] up = new long[5];
    long[] down = new long[5];
    for (int i = 0; i < up.length; i++) {
      long t0 = System.nanoTime();
      CheckpointRef ref = client("job-a").upload(c.toBuilder().setStep(i).build());
      long t1 = System.nanoTime();
      assertThat(client("job-a").download("job-a", ref.getId()).getStep()).isEqualTo(i);
      up[i] = t1 - t0;
      down[i] = System.nanoTime() - t1;
    }
    Arrays.sort(up);
    Arrays.sort(down);
    System.out.printf("%s: 5 MB checkpoint upload (incl. save) median %.1f ms, download (incl. load) median "
        + "%.1f ms, %d runs%n", getClass().getSimpleName(), up[2] / 1e6, down[2] / 1e6, up.length);
  }

  @Test
  void refusedAndUnknownJobsAreTold() throws Exception {
    assertThatThrownBy(() -> client("done-job").upload(SampleCheckpoints.of("done-job", 1, 1, 100)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("job done-job is SUCCEEDED");
        });
    assertThatThrownBy(() -> client("nobody").upload(SampleCheckpoints.of("nobody", 1, 1, 100)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    // refused at the header: a large upload is cut short, not stored
    assertThatThrownBy(() -> client("done-job").upload(SampleCheckpoints.fiveMegabytes("done-job", 1, 2)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    assertThat(stored).isEmpty();
    assertThat(Files.exists(dir.resolve("jobs"))).isFalse();
  }

  @Test
  void failuresOfTheJobLayerAreInternalErrors() {
    assertThatThrownBy(() -> client("broken-job").upload(SampleCheckpoints.of("broken-job", 1, 1, 100)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getDescription()).contains("job table unavailable");
        });
    assertThatThrownBy(() -> client("flaky-job").upload(SampleCheckpoints.of("flaky-job", 1, 1, 100)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
          assertThat(e.getStatus().getDescription()).contains("was stored but not recorded by the job")
              .contains("driver gone");
        });
  }

  static CheckpointChunk header(UnaryOperator<Checkpoint.Builder> edit) {
    Checkpoint h = CheckpointChunks.header(SampleCheckpoints.of("job-a", 1, 5, 4)); // 16 + 32 bytes
    return CheckpointChunk.newBuilder().setHeader(edit.apply(h.toBuilder())).build();
  }

  static CheckpointChunk data(int n) {
    return CheckpointChunk.newBuilder().setData(ByteString.copyFrom(new byte[n])).build();
  }

  static Stream<Arguments> malformedUploads() {
    CheckpointChunk good = header(b -> b);
    return Stream.of(
        Arguments.of("empty stream", List.of(), "without a header"),
        Arguments.of("data first", List.of(data(48)), "chunk 1 is data before the header"),
        Arguments.of("two headers", List.of(good, good, data(48)), "chunk 2 is a second header"),
        Arguments.of("too few bytes", List.of(good, data(40)), "ended after 40 of the 48 data bytes"),
        Arguments.of("too many bytes", List.of(good, data(40), data(40)), "more than the 48"),
        Arguments.of("bytes in header", List.of(header(b -> b.setParams(ByteString.copyFrom(new byte[16]))),
            data(48)), "carrying 16 params bytes"),
        Arguments.of("no job id", List.of(header(b -> b.clearJobId()), data(48)), "has no job_id"),
        Arguments.of("epoch 0", List.of(header(b -> b.setEpoch(0)), data(48)), "epochs count from 1"),
        Arguments.of("no params", List.of(header(b -> b.setNumParams(0)), data(48)), "num_params 0"),
        Arguments.of("chunk above 1 MiB", List.of(header(b -> b.setNumParams(1 << 20)), data((1 << 20) + 1)),
            "more than the 1048576 allowed per chunk"));
  }

  /** Sends {@code chunks} as one Upload call; the call's final status. */
  Status upload(List<CheckpointChunk> chunks) throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<CheckpointChunk> requests = CheckpointsGrpc.newStub(as("job-a"))
        .withDeadlineAfter(20, TimeUnit.SECONDS).upload(new StreamObserver<>() {
          @Override
          public void onNext(CheckpointRef value) {}

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    chunks.forEach(requests::onNext);
    requests.onCompleted();
    return done.get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedUploads")
  void malformedUploadsAreInvalidArguments(String name, List<CheckpointChunk> chunks, String expected)
      throws Exception {
    Status status = upload(new ArrayList<>(chunks));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains(expected);
    assertThat(stored).isEmpty();
  }

  @Test
  void wellFormedHandWrittenStreamIsStored() throws Exception {
    assertThat(upload(List.of(header(b -> b), data(10), data(38))).getCode()).isEqualTo(Status.Code.OK);
    assertThat(store.list("job-a")).extracting(CheckpointRef::getId).containsExactly("e0001-s000005");
  }

  @Test
  void unknownCheckpointsAreNotFound() throws Exception {
    client("job-a").upload(SampleCheckpoints.of("job-a", 1, 10, 100));
    assertThatThrownBy(() -> client("job-a").download("job-a", "e0001-s000011"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).contains("no checkpoint e0001-s000011 of job job-a")
              .contains("e0001-s000010");
        });
    assertThatThrownBy(() -> client("nobody").download("nobody", "e0001-s000010"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> client("job-a").download("", ""))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void corruptOrMissingStoredFilesAreDataLoss() throws Exception {
    CheckpointRef a = client("job-a").upload(SampleCheckpoints.of("job-a", 1, 10, 1_000));
    CheckpointRef b = client("job-a").upload(SampleCheckpoints.of("job-a", 1, 20, 1_000));
    SampleCheckpoints.flipByte(Path.of(a.getPath()), 500);
    Files.delete(Path.of(b.getPath()));

    assertThatThrownBy(() -> client("job-a").download("job-a", a.getId()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
          assertThat(e.getStatus().getDescription()).contains("ChecksumMismatch").contains(a.getPath());
        });
    assertThatThrownBy(() -> client("job-a").download("job-a", b.getId()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
          assertThat(e.getStatus().getDescription()).contains("is missing");
        });
  }

  @Test
  void clientRefusesAnInconsistentCheckpointBeforeSending() {
    Checkpoint bad = SampleCheckpoints.of("job-a", 1, 1, 100).toBuilder().setUpdaterStateLength(3).build();
    assertThatThrownBy(() -> client("job-a").upload(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("updater_state_length 3");
  }
}
