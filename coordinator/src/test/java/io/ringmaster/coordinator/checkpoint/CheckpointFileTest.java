package io.ringmaster.coordinator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.testing.SampleCheckpoints;
import io.ringmaster.proto.v1.Checkpoint;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  static final Checkpoint SMALL = SampleCheckpoints.of("job-a", 2, 153, 10_000);

  @TempDir Path dir;

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writtenCheckpointReadsBackEqualAndLeavesNoTempFile() throws Exception {
    Path file = dir.resolve("e0002-s000153.ckpt");
    CheckpointFileInfo info = CheckpointFile.write(file, SMALL);

    assertThat(CheckpointFile.read(file)).isEqualTo(SMALL);
    assertThat(names(dir)).containsExactly("e0002-s000153.ckpt");
    assertThat(info.sizeBytes()).isEqualTo(Files.size(file)).isEqualTo(20 + SMALL.getSerializedSize() + 32);
    byte[] bytes = Files.readAllBytes(file);
    byte[] payloadSha = MessageDigest.getInstance("SHA-256").digest(SMALL.toByteArray());
    assertThat(info.sha256()).isEqualTo(HexFormat.of().formatHex(payloadSha));
    // the layout documented in CheckpointFile
    assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RMCK");
    assertThat(ByteBuffer.wrap(bytes).getInt(8)).isEqualTo(CheckpointFile.FORMAT_VERSION);
    assertThat(ByteBuffer.wrap(bytes).getLong(12)).isEqualTo(SMALL.getSerializedSize());
  }

  @Test
  void readersNeverSeeAPartialFileWhileItIsRewritten() throws Exception {
    Path file = dir.resolve("ckpt.ckpt");
    Checkpoint a = SampleCheckpoints.of("job-a", 1, 1, 200_000);
    Checkpoint b = SampleCheckpoints.of("job-a", 1, 2, 150_000);
    CheckpointFile.write(file, a);
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch readerStarted = new CountDownLatch(1);
    CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
      int reads = 0;
      readerStarted.countDown();
      try {
        while (writing.get() || reads < 5) {
          Checkpoint got = CheckpointFile.read(file);
          assertThat(got.getStep()).isIn(1L, 2L);
          assertThat(got).isEqualTo(got.getStep() == 1 ? a : b);
          reads++;
        }
      } catch (Exception e) {
        throw new AssertionError("read " + (reads + 1) + " failed while the file was being rewritten", e);
      }
      return reads;
    });
    assertThat(readerStarted.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      for (int i = 0; i < 40; i++) {
        CheckpointFile.write(file, i % 2 == 0 ? b : a);
      }
    } finally {
      writing.set(false);
    }
    int reads = reader.get(30, TimeUnit.SECONDS);
    System.out.printf("atomic rewrite: 40 rewrites of a %d-byte file, %d concurrent reads, all whole%n",
        Files.size(file), reads);
    assertThat(names(dir)).containsExactly("ckpt.ckpt");
  }

  @Test
  void failedWriteRemovesItsTempFileAndKeepsTheTarget() throws Exception {
    Path target = dir.resolve("taken");
    Files.createDirectories(target.resolve("not-empty"));

    assertThatThrownBy(() -> CheckpointFile.write(target, SMALL)).isInstanceOf(java.io.IOException.class);
    assertThat(names(dir)).containsExactly("taken");
    assertThat(Files.isDirectory(target.resolve("not-empty"))).isTrue();
  }

  CorruptCheckpointException corruption(Path file) {
    try {
      CheckpointFile.read(file);
    } catch (CorruptCheckpointException e) {
      assertThat(e.getMessage()).contains(file.toString()).contains(e.reason()).contains("Delete it");
      assertThat(e.path()).isEqualTo(file);
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected CorruptCheckpointException, got " + e, e);
    }
    throw new AssertionError("corrupt file " + file + " was read without complaint");
  }

  @Test
  void flippedBytesAreChecksumMismatches() throws Exception {
    Path file = dir.resolve("c.ckpt");
    for (long offset : new long[] {20, 20 + SMALL.getSerializedSize() / 2, -1, -32}) {
      CheckpointFile.write(file, SMALL);
      SampleCheckpoints.flipByte(file, offset);
      assertThat(corruption(file).reason()).as("byte at %d flipped", offset).isEqualTo("ChecksumMismatch");
    }
  }

  @Test
  void truncatedFilesAreTruncated() throws Exception {
    Path file = dir.resolve("t.ckpt");
    CheckpointFile.write(file, SMALL);
    long full = Files.size(file);
    List<String> reasons = new ArrayList<>();
    for (long cut : new long[] {0, 3, 8, 15, 20, full / 2, full - 32, full - 1}) {
      CheckpointFile.write(file, SMALL);
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.setLength(cut);
      }
      reasons.add(corruption(file).reason());
    }
    assertThat(reasons).containsOnly("Truncated").hasSize(8);
  }

  @Test
  void otherFilesAreBadMagicAndNewerFormatsUnsupported() throws Exception {
    Path text = dir.resolve("text.ckpt");
    Files.writeString(text, "{\"params\": [1, 2, 3]} and some more text");
    assertThat(corruption(text).reason()).isEqualTo("BadMagic");
    Files.writeString(text, "ab");
    assertThat(corruption(text).reason()).isEqualTo("BadMagic");

    Path file = dir.resolve("v.ckpt");
    CheckpointFile.write(file, SMALL);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(8);
      f.writeInt(CheckpointFile.FORMAT_VERSION + 1);
    }
    CorruptCheckpointException e = corruption(file);
    assertThat(e.reason()).isEqualTo("UnsupportedVersion");
    assertThat(e.getMessage()).contains("format version 2");
  }

  @Test
  void bytesAfterTheChecksumAreALengthMismatch() throws Exception {
    Path file = dir.resolve("x.ckpt");
    CheckpointFile.write(file, SMALL);
    Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThat(corruption(file).reason()).isEqualTo("LengthMismatch");
  }

  @Test
  void missingFileIsNoSuchFile() {
    assertThatThrownBy(() -> CheckpointFile.read(dir.resolve("none.ckpt"))).isInstanceOf(NoSuchFileException.class);
  }
}
