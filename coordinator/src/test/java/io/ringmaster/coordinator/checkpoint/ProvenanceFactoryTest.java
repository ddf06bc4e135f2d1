package io.ringmaster.coordinator.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.DataSpec;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.proto.v1.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceFactoryTest {
  @TempDir Path dir;
  Path train;
  Path labels;
  FileDigests digests;
  ProvenanceFactory factory;

  @BeforeEach
  void setUp() throws Exception {
    train = dir.resolve("train.idx");
    labels = dir.resolve("labels.idx");
    Files.write(train, bytes(300_000, 1));
    Files.write(labels, bytes(1_000, 2));
    digests = new FileDigests();
    factory = new ProvenanceFactory(digests, "1.2.3", "1.0.0-M2.1");
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  JobSpec spec(int epochs) {
    return JobSpec.newBuilder().setName("fashion").setEpochs(epochs).setBatchSize(64).setSeed(7).setWorkers(2)
        .setModel(ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder().setArchitecture("mlp")
            .addHidden(256).addHidden(128)))
        .setUpdater(UpdaterSpec.newBuilder().setType("adam").setLearningRate(1e-3))
        .setData(DataSpec.newBuilder().setTrain(DatasetRef.newBuilder().setPath(train.toString())
            .setLabelsPath(labels.toString())))
        .build();
  }

  @Test
  void provenanceIsStableAndHashesAreTheFilesSha256() throws Exception {
    Provenance a = factory.of(spec(3), List.of(train, labels));
    Provenance b = factory.of(spec(3));

    assertThat(b).isEqualTo(a);
    assertThat(a.getRingmasterVersion()).isEqualTo("1.2.3");
    assertThat(a.getDl4JVersion()).isEqualTo("1.0.0-M2.1");
    assertThat(a.getSpecSha256()).hasSize(64).isEqualTo(ProvenanceFactory.specSha256(spec(3)));
    assertThat(a.getDataFilesList()).extracting(DataFileHash::getPath)
        .containsExactly(train.toAbsolutePath().toString(), labels.toAbsolutePath().toString());
    DataFileHash t = a.getDataFiles(0);
    assertThat(t.getSizeBytes()).isEqualTo(300_000);
    assertThat(t.getSha256()).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(train))));
    assertThat(digests.filesHashed()).as("second call served from the cache").isEqualTo(2);
  }

  @Test
  void specHashChangesWithTheSpec() {
    assertThat(ProvenanceFactory.specSha256(spec(4))).isNotEqualTo(ProvenanceFactory.specSha256(spec(3)));
    JobSpec rebuilt = JobSpec.newBuilder().setWorkers(2).setSeed(7).setBatchSize(64).mergeFrom(spec(3)).build();
    assertThat(ProvenanceFactory.specSha256(rebuilt)).isEqualTo(ProvenanceFactory.specSha256(spec(3)));
  }

  @Test
  void dataHashChangesWhenTheFileChanges() throws Exception {
    String before = digests.digest(train).getSha256();

    Files.write(train, bytes(300_001, 3)); // other size
    DataFileHash grown = digests.digest(train);
    assertThat(grown.getSha256()).isNotEqualTo(before);
    assertThat(grown.getSizeBytes()).isEqualTo(300_001);

    byte[] same = Files.readAllBytes(train);
    same[1000] ^= 1; // same size, one bit different, new modification time
    Files.write(train, same);
    Files.setLastModifiedTime(train, FileTime.fromMillis(Files.getLastModifiedTime(train).toMillis() + 5_000));
    assertThat(digests.digest(train).getSha256()).isNotEqualTo(grown.getSha256()).isNotEqualTo(before);
    assertThat(digests.filesHashed()).isEqualTo(3);
  }

  @Test
  void versionsComeFromTheClasspath() {
    assertThat(Versions.dl4j()).isEqualTo("1.0.0-M2.1");
    assertThat(Versions.ringmaster()).isNotBlank();
    assertThat(new ProvenanceFactory()).isNotNull();
  }
}
