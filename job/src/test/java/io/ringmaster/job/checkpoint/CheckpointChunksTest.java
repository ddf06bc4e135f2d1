package io.ringmaster.job.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointChunksTest {
  static final Checkpoint FULL = TestCheckpoints.checkpoint("job-1", 2, 153, 700_001, 1_400_002);

  static Checkpoint assemble(List<CheckpointChunk> chunks) {
    CheckpointAssembler a = new CheckpointAssembler();
    chunks.forEach(a::accept);
    return a.finish();
  }

  @Test
  void splitGivesHeaderThenBoundedDataChunksAndReassemblesBitExactly() {
    List<CheckpointChunk> chunks = CheckpointChunks.split(FULL);

    assertThat(chunks.get(0).getHeader()).isEqualTo(FULL.toBuilder().clearParams().clearUpdaterState().build());
    assertThat(chunks.subList(1, chunks.size()))
        .allSatisfy(c -> assertThat(c.getData().size()).isPositive().isLessThanOrEqualTo(1 << 20));
    long dataBytes = chunks.stream().mapToLong(c -> c.getData().size()).sum();
    assertThat(dataBytes).isEqualTo(4L * (700_001 + 1_400_002)).isEqualTo(CheckpointChunks.payloadBytes(FULL));
    // 2,800,004 params bytes = 3 chunks; 5,600,008 updater bytes = 6 chunks: they never share one
    assertThat(chunks).hasSize(1 + 3 + 6);
    assertThat(chunks).allSatisfy(c -> assertThat(c.getSerializedSize()).isLessThan(4 << 20));

    assertThat(assemble(chunks)).isEqualTo(FULL);
  }

  @Test
  void smallChunksAndStatelessUpdatersWork() {
    Checkpoint sgd = TestCheckpoints.checkpoint("j", 1, 0, 10, 0);
    List<CheckpointChunk> chunks = CheckpointChunks.split(sgd, 7);
    assertThat(chunks).hasSize(1 + 6); // 40 bytes in 7-byte chunks
    assertThat(assemble(chunks)).isEqualTo(sgd);
  }

  @Test
  void inconsistentCheckpointCannotBeSplit() {
    assertThatThrownBy(() -> CheckpointChunks.split(FULL.toBuilder().setNumParams(5).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("num_params 5 but params holds 2800004 bytes (expected 20)");
    assertThatThrownBy(() -> CheckpointChunks.split(FULL.toBuilder().setUpdaterStateLength(0).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("updater_state_length 0");
    assertThatThrownBy(() -> CheckpointChunks.split(FULL.toBuilder().setNumParams(0).clearParams().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("num_params 0");
  }

  static CheckpointChunk header(UnaryOperator<Checkpoint.Builder> edit) {
    return CheckpointChunk.newBuilder().setHeader(edit.apply(CheckpointChunks.header(small()).toBuilder())).build();
  }

  static Checkpoint small() {
    return TestCheckpoints.checkpoint("j", 1, 5, 4, 2); // 16 + 8 bytes
  }

  static CheckpointChunk data(int n) {
    return CheckpointChunk.newBuilder().setData(ByteString.copyFrom(new byte[n])).build();
  }

  static Stream<Arguments> malformed() {
    CheckpointChunk good = header(b -> b);
    return Stream.of(
        Arguments.of("no chunks", List.of(), "without a header"),
        Arguments.of("data first", List.of(data(4), good), "chunk 1 is data before the header"),
        Arguments.of("empty chunk", List.of(CheckpointChunk.getDefaultInstance()), "neither header nor data"),
        Arguments.of("two headers", List.of(good, good), "chunk 2 is a second header"),
        Arguments.of("bytes in header", List.of(header(b -> b.setParams(ByteString.copyFrom(new byte[16])))),
            "carrying 16 params bytes"),
        Arguments.of("no params", List.of(header(b -> b.setNumParams(0))), "num_params 0"),
        Arguments.of("negative updater", List.of(header(b -> b.setUpdaterStateLength(-1))),
            "updater_state_length -1"),
        Arguments.of("huge", List.of(header(b -> b.setNumParams(1L << 40))), "more than the"),
        Arguments.of("too many bytes", List.of(good, data(20), data(8)),
            "chunk 3 brings the data to 28 bytes, more than the 24"),
        Arguments.of("too few bytes", List.of(good, data(20)), "ended after 20 of the 24 data bytes"),
        Arguments.of("chunk above 1 MiB", List.of(header(b -> b.setNumParams(1 << 20)), data((1 << 20) + 1)),
            "more than the 1048576 allowed per chunk"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedStreamsAreRefusedWithWhatWasWrong(String name, List<CheckpointChunk> chunks, String expected) {
    List<CheckpointChunk> stream = new ArrayList<>(chunks);
    assertThatThrownBy(() -> assemble(stream))
        .isInstanceOf(MalformedChunkStreamException.class)
        .hasMessageContaining(expected);
  }
}
