package io.ringmaster.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.ringmaster.job.spec.Echo;
import io.ringmaster.job.spec.InvalidSpecException;
import io.ringmaster.job.spec.Violation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #10, defect 4: whatever a request held, an INVALID_ARGUMENT reply stays small enough for the
 * trailer every gRPC client accepts (8 KiB of metadata), and names each field twice: the job file's name
 * in the text, the proto path in {@code BadRequest}.
 */
class ErrorReplyCapTest {
  @Test
  void hugeAndManyViolationsAreCutToFitTheTrailer() throws Exception {
    List<Violation> many = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(new Violation("spec.data.train.path", "no such file /" + "é".repeat(8000) + "\nforged line"));
    }
    StatusRuntimeException e = JobServiceImpl.invalid(new InvalidSpecException(many));

    String description = e.getStatus().getDescription();
    assertThat(encodedLength(description)).isLessThanOrEqualTo(Echo.MAX_DESCRIPTION_BYTES + 100);
    assertThat(description).contains("spec.data.train.path: no such file").doesNotContain("\nforged line");
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    BadRequest br = details.getDetails(0).unpack(BadRequest.class);
    assertThat(br.getFieldViolationsCount()).isEqualTo(JobServiceImpl.MAX_VIOLATIONS);
    assertThat(details.getSerializedSize()).isLessThan(16 * 1024);
    assertThat(br.getFieldViolations(0).getField()).isEqualTo("spec.data.train.path");
  }

  @Test
  void badRequestCarriesTheProtoPathAndTheTextTheYamlName() throws Exception {
    StatusRuntimeException e = JobServiceImpl.invalid(new InvalidSpecException(List.of(
        new Violation("spec.batchSize", "must be >= 1, got 0"),
        new Violation("spec.data.test.labels", "no such file /x"))));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("spec.batchSize: must be >= 1, got 0")
        .contains("spec.data.test.labels: no such file /x");
    BadRequest br = StatusProto.fromThrowable(e).getDetails(0).unpack(BadRequest.class);
    assertThat(br.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
        .containsExactly("spec.batch_size", "spec.data.test.labels_path");
  }

  @Test
  void echoCutsLongValuesAndControlCharacters() {
    assertThat(Echo.of("a".repeat(1000), 10)).isEqualTo("aaaaaaaaaa...(990 more characters)");
    assertThat(Echo.of("line\nforged", 100)).isEqualTo("line?forged");
    assertThat(Echo.of(null)).isEqualTo("(none)");
    assertThat(Echo.description("short")).isEqualTo("short");
  }

  /** Bytes of the text as gRPC percent-encodes it in grpc-message. */
  static int encodedLength(String s) {
    int n = 0;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      n += b >= 0x20 && b < 0x7f && b != '%' ? 1 : 3;
    }
    return n;
  }
}
