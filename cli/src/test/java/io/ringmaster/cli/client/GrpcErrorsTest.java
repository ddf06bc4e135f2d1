package io.ringmaster.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
  private static final CoordinatorAddress AT = new CoordinatorAddress("h", 7070);

  @Test
  void invalidArgumentKeepsOneViolationPerLine() {
    CoordinatorCallException e = GrpcErrors.translate(Status.INVALID_ARGUMENT
        .withDescription("spec.epochs: must be >= 1, got 0\nspec.data.train.path: no such file a; b; c")
        .asRuntimeException(), AT, null);

    assertThat(e.isRejectedRequest()).isTrue();
    assertThat(e.lines()).containsExactly("spec.epochs: must be >= 1, got 0",
        "spec.data.train.path: no such file a; b; c");
  }

  @Test
  void violationsJoinedWithSemicolonsAreSplitAtFieldPaths() {
    assertThat(GrpcErrors.splitViolations("spec.a: x; spec.b[0]: y; not a path; spec: z"))
        .containsExactly("spec.a: x", "spec.b[0]: y; not a path", "spec: z");
  }

  @Test
  void notFoundNamesTheJobAndCoordinator() {
    CoordinatorCallException e = GrpcErrors.translate(Status.NOT_FOUND.asRuntimeException(), AT, "j-9");

    assertThat(e.isRejectedRequest()).isFalse();
    assertThat(e.lines()).containsExactly("no job j-9 on coordinator h:7070");
  }

  @Test
  void otherCodesNameTheCoordinatorAndKeepTheDescription() {
    assertThat(GrpcErrors.translate(Status.RESOURCE_EXHAUSTED.withDescription("queue full (16 jobs)")
        .asRuntimeException(), AT, null).lines())
        .containsExactly("the coordinator at h:7070 cannot take this now: queue full (16 jobs)");
    assertThat(GrpcErrors.translate(Status.INTERNAL.withDescription("boom").asRuntimeException(), AT, null).lines())
        .containsExactly("the coordinator at h:7070 failed (INTERNAL): boom");
  }
}
