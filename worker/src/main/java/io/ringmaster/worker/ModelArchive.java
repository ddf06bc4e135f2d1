package io.ringmaster.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.ringmaster.job.transfer.ClientStreams;
import io.ringmaster.job.transfer.FileChunks;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;

/**
 * The trained model as it leaves rank 0: DL4J's ModelSerializer zip with a {@value #PROVENANCE_ENTRY} entry
 * added (what produced it: spec hash, data hashes, seed, versions, final metrics), uploaded to the
 * coordinator's {@code DatasetService.UploadModel}, which stores it as the job's model.
 */
final class ModelArchive {
  /** Name of the provenance entry inside the model zip. */
  static final String PROVENANCE_ENTRY = "provenance.json";
  private static final long UPLOAD_TIMEOUT_MS = 30 * 60_000L;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelArchive() {}

  /** The provenance recorded in a model of the job {@code first} assigned, trained with {@code seed}. */
  static Map<String, Object> provenance(Assign first, long seed, EpochMetrics last, long paramsChecksum) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("job_id", first.getJobId());
    p.put("spec_sha256", first.getProvenance().getSpecSha256());
    List<Map<String, Object>> data = new ArrayList<>();
    for (DataFileHash h : first.getProvenance().getDataFilesList()) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("path", h.getPath());
      f.put("sha256", h.getSha256());
      f.put("size_bytes", h.getSizeBytes());
      data.add(f);
    }
    p.put("data_files", data);
    p.put("seed", seed);
    p.put("ringmaster_version", io.ringmaster.job.Version.get());
    p.put("dl4j_version", dl4jVersion());
    p.put("coordinator_ringmaster_version", first.getProvenance().getRingmasterVersion());
    p.put("params_crc32", paramsChecksum);
    if (last != null && last.getEpoch() > 0) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", last.getEpoch());
      m.put("train_loss", last.getTrainLoss());
      m.put("test_loss", last.getTestLoss());
      m.put("test_accuracy", last.getTestAccuracy());
      m.put("samples", last.getSamples());
      m.put("test_samples", last.getTestSamples());
      p.put("final_metrics", m);
    }
    return p;
  }

  /** Adds the provenance entry to a model zip in place. */
  static void addProvenance(Path zip, Map<String, Object> provenance) throws IOException {
    URI uri = URI.create("jar:" + zip.toAbsolutePath().toUri());
    try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
      Files.write(fs.getPath(PROVENANCE_ENTRY), JSON.writeValueAsBytes(provenance));
    }
  }

  /**
   * Uploads the model file of job {@code jobId} to the coordinator.
   *
   * @throws IOException when the file cannot be read or the coordinator refuses or loses the upload
   */
  static ModelRef upload(Channel coordinator, String jobId, Path model) throws IOException {
    String sha = Sha256.ofFile(model);
    try (FileChunks chunks = FileChunks.open(model, jobId, sha)) {
      return ClientStreams.call(DatasetServiceGrpc.newStub(coordinator)::uploadModel, chunks, UPLOAD_TIMEOUT_MS);
    } catch (StatusRuntimeException e) {
      throw new IOException("uploading the model of job " + jobId + " (" + model + ") to the coordinator failed: "
          + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    } catch (TimeoutException e) {
      throw new IOException("uploading the model of job " + jobId + " took longer than "
          + UPLOAD_TIMEOUT_MS / 60_000 + " min", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while uploading the model of job " + jobId, e);
    }
  }

  private static String dl4jVersion() {
    try (InputStream in = ModelArchive.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
