package io.ringmaster.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.ringmaster.proto.v1.CheckpointsGrpc;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each call of a worker to the coordinator carries, before and after the worker is bound to a job. */
class CoordinatorCallCredentialsTest {
  /** The headers of the calls started through it. */
  static final class RecordingChannel extends Channel {
    final List<Metadata> started = new ArrayList<>();

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      return new ClientCall<>() {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          started.add(headers);
        }

        @Override
        public void request(int n) {
        }

        @Override
        public void cancel(String message, Throwable cause) {
        }

        @Override
        public void halfClose() {
        }

        @Override
        public void sendMessage(Q message) {
        }
      };
    }

    @Override
    public String authority() {
      return "coordinator";
    }
  }

  private static <Q, R> Metadata headersOf(CoordinatorCallCredentials credentials, MethodDescriptor<Q, R> method) {
    RecordingChannel next = new RecordingChannel();
    credentials.interceptCall(method, CallOptions.DEFAULT, next).start(new ClientCall.Listener<R>() { }, new Metadata());
    return next.started.get(0);
  }

  @Test
  void aLaunchedWorkerAttachesWithItsSecretAndUsesTheAssignsSecretForItsJobsCalls() {
    var c = new CoordinatorCallCredentials("job-1", "launch-secret");
    assertThat(headersOf(c, WorkerControlGrpc.getAttachMethod()).get(CoordinatorCallCredentials.JOB_SECRET))
        .isEqualTo("launch-secret");
    assertThat(headersOf(c, CheckpointsGrpc.getDownloadMethod()).get(CoordinatorCallCredentials.JOB_ID))
        .as("before any Assign: the job it was started for").isEqualTo("job-1");

    c.boundTo("job-1", ""); // a coordinator that sends no secret in Assign: the launch secret is the job's
    Metadata download = headersOf(c, DatasetServiceGrpc.getDownloadFileMethod());
    assertThat(download.get(CoordinatorCallCredentials.JOB_ID)).isEqualTo("job-1");
    assertThat(download.get(CoordinatorCallCredentials.JOB_SECRET)).isEqualTo("launch-secret");

    c.boundTo("job-1", "assign-secret");
    assertThat(headersOf(c, CheckpointsGrpc.getUploadMethod()).get(CoordinatorCallCredentials.JOB_SECRET))
        .isEqualTo("assign-secret");
    assertThat(headersOf(c, WorkerControlGrpc.getAttachMethod()).get(CoordinatorCallCredentials.JOB_SECRET))
        .as("re-attaching still proves what it was started for").isEqualTo("launch-secret");
  }

  @Test
  void aFreeWorkerPresentsTheSecretOfTheJobItIsBoundToAndNeverItsLaunchSecretForAnotherJob() {
    var free = new CoordinatorCallCredentials("", "");
    Metadata attach = headersOf(free, WorkerControlGrpc.getAttachMethod());
    assertThat(attach.containsKey(CoordinatorCallCredentials.JOB_SECRET)).isFalse();
    assertThat(attach.containsKey(CoordinatorCallCredentials.JOB_ID)).isFalse();

    free.boundTo("job-7", "secret-7");
    Metadata model = headersOf(free, DatasetServiceGrpc.getUploadModelMethod());
    assertThat(model.get(CoordinatorCallCredentials.JOB_ID)).isEqualTo("job-7");
    assertThat(model.get(CoordinatorCallCredentials.JOB_SECRET)).isEqualTo("secret-7");
    assertThat(headersOf(free, WorkerControlGrpc.getAttachMethod()).containsKey(CoordinatorCallCredentials.JOB_SECRET))
        .as("a free worker re-attaches as a free worker (a secret naming no job is refused)").isFalse();

    var launched = new CoordinatorCallCredentials("job-1", "launch-secret");
    launched.boundTo("job-2", "");
    assertThat(headersOf(launched, CheckpointsGrpc.getDownloadMethod()).containsKey(CoordinatorCallCredentials.JOB_SECRET))
        .as("job-1's secret is never sent for job-2").isFalse();
  }
}
