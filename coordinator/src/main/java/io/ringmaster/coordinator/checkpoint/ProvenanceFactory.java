package io.ringmaster.coordinator.checkpoint;

import com.google.protobuf.CodedOutputStream;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.Provenance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Builds the {@link Provenance} of a job's checkpoints: a hash of the spec, hashes of the data files,
 * and the software versions. Data file hashes are cached (see {@link FileDigests}); keep one factory per
 * coordinator. Thread-safe.
 */
public final class ProvenanceFactory {
  private final FileDigests digests;
  private final String ringmasterVersion;
  private final String dl4jVersion;

  /** A factory with its own digest cache and the versions of this process. */
  public ProvenanceFactory() {
    this(new FileDigests(), Versions.ringmaster(), Versions.dl4j());
  }

  public ProvenanceFactory(FileDigests digests, String ringmasterVersion, String dl4jVersion) {
    this.digests = Objects.requireNonNull(digests);
    this.ringmasterVersion = Objects.requireNonNull(ringmasterVersion);
    this.dl4jVersion = Objects.requireNonNull(dl4jVersion);
  }

  /**
   * The provenance of checkpoints of {@code spec} trained on {@code dataFiles}.
   *
   * @throws IOException when a data file cannot be read
   */
  public Provenance of(JobSpec spec, List<Path> dataFiles) throws IOException {
    Provenance.Builder b = Provenance.newBuilder()
        .setSpecSha256(specSha256(spec))
        .setRingmasterVersion(ringmasterVersion)
        .setDl4JVersion(dl4jVersion);
    for (Path f : dataFiles) {
      b.addDataFiles(digests.digest(f));
    }
    return b.build();
  }

  /** The provenance of {@code spec} with its own data files ({@link #dataFiles}). */
  public Provenance of(JobSpec spec) throws IOException {
    return of(spec, dataFiles(spec));
  }

  /** SHA-256 (hex) of the spec's deterministic proto serialization. */
  public static String specSha256(JobSpec spec) {
    byte[] bytes = new byte[spec.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      spec.writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException("serializing a JobSpec into an array of its own size failed", e);
    }
    out.checkNoSpaceLeft();
    return HexFormat.of().formatHex(CheckpointFile.sha256().digest(bytes));
  }

  /** The data files a spec names, in order: train (and labels), then test (and labels). */
  public static List<Path> dataFiles(JobSpec spec) {
    List<Path> files = new ArrayList<>();
    for (DatasetRef d : List.of(spec.getData().getTrain(), spec.getData().getTest())) {
      if (!d.getPath().isEmpty()) {
        files.add(Path.of(d.getPath()));
      }
      if (!d.getLabelsPath().isEmpty()) {
        files.add(Path.of(d.getLabelsPath()));
      }
    }
    return files;
  }
}
