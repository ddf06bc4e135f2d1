package io.ringmaster.cli.support;

import io.ringmaster.cli.client.DatasetClient;
import io.ringmaster.cli.render.TransferProgress;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.JobSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before a submission: the job's data files that exist on this machine but that the coordinator does not
 * see (it is asked, path and SHA-256, with {@code CheckFiles}) are uploaded as datasets, each with a
 * progress line, and the spec names them by hash instead of by path. Files the coordinator sees, and paths
 * that do not exist here (the coordinator's own paths), are left as they are.
 */
public final class DataUploads {
  private DataUploads() {}

  /** The spec to submit: {@code spec} with invisible local files replaced by uploaded datasets. */
  public static JobSpec prepare(JobSpec spec, DatasetClient datasets, PrintStream out)
      throws IOException, InterruptedException {
    Map<String, String> hashes = new LinkedHashMap<>(); // local path -> sha256
    for (DatasetRef ref : List.of(spec.getData().getTrain(), spec.getData().getTest())) {
      for (String p : List.of(ref.getPath(), ref.getLabelsPath())) {
        if (!p.isEmpty() && !hashes.containsKey(p) && Files.isRegularFile(Path.of(p))) {
          hashes.put(p, Sha256.ofFile(Path.of(p)));
        }
      }
    }
    if (hashes.isEmpty()) {
      return spec;
    }
    List<String> paths = new ArrayList<>(hashes.keySet());
    List<Boolean> visible = datasets.visible(paths.stream().map(p -> DataFileHash.newBuilder().setPath(p)
        .setSha256(hashes.get(p)).build()).toList());
    Map<String, String> uploaded = new LinkedHashMap<>(); // local path -> sha256 stored on the coordinator
    for (int i = 0; i < paths.size(); i++) {
      if (visible.get(i)) {
        continue;
      }
      Path file = Path.of(paths.get(i));
      long size = Files.size(file);
      out.println("The coordinator cannot see " + file + ": uploading it as dataset " + datasetName(file));
      TransferProgress progress = new TransferProgress(out, "uploading " + file.getFileName(), size);
      Dataset d = datasets.push(file, datasetName(file), progress);
      progress.done();
      uploaded.put(paths.get(i), d.getSha256());
    }
    if (uploaded.isEmpty()) {
      return spec;
    }
    var data = spec.getData().toBuilder()
        .setTrain(replace(spec.getData().getTrain(), uploaded))
        .setTest(replace(spec.getData().getTest(), uploaded));
    return spec.toBuilder().setData(data).build();
  }

  private static DatasetRef replace(DatasetRef ref, Map<String, String> uploaded) {
    DatasetRef.Builder b = ref.toBuilder();
    if (ref.getFormat() == DatasetRef.Format.FORMAT_UNSPECIFIED) { // it was to be inferred from the path
      b.setFormat(io.ringmaster.job.spec.DatasetRef.Format.inferFrom(ref.getPath())
          == io.ringmaster.job.spec.DatasetRef.Format.CSV ? DatasetRef.Format.FORMAT_CSV : DatasetRef.Format.FORMAT_IDX);
    }
    String sha = uploaded.get(ref.getPath());
    if (sha != null) {
      b.clearPath().setDataset(sha);
    }
    String labelsSha = uploaded.get(ref.getLabelsPath());
    if (labelsSha != null) {
      b.clearLabelsPath().setLabelsDataset(labelsSha);
    }
    return b.build();
  }

  /** A dataset name from a file name: characters a name may not hold become '_'. */
  public static String datasetName(Path file) {
    String n = file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    if (n.startsWith(".") || n.startsWith("-")) {
      n = "_" + n;
    }
    return n.length() > 128 ? n.substring(0, 128) : n;
  }
}
