package io.ringmaster.cli.client;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.job.transfer.FileReceiver;
import io.ringmaster.proto.v1.CheckFilesRequest;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteDatasetRequest;
import io.ringmaster.proto.v1.FileHeader;
import io.ringmaster.proto.v1.GetModelRequest;
import io.ringmaster.proto.v1.ListDatasetsRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Calls a coordinator's {@code DatasetService} on a channel it does not own: datasets (list, push, delete),
 * which local files the coordinator sees, and a job's model.
 */
public final class DatasetClient {
  private final ManagedChannel channel;
  private final CoordinatorAddress address;

  public DatasetClient(ManagedChannel channel, CoordinatorAddress address) {
    this.channel = channel;
    this.address = address;
  }

  /** A client on the same channel as {@code jobs}. */
  public static DatasetClient of(JobClient jobs) {
    return new DatasetClient(jobs.channel(), jobs.address());
  }

  private DatasetServiceGrpc.DatasetServiceBlockingStub stub() {
    return DatasetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(JobClient.CALL_TIMEOUT.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public List<Dataset> list() {
    try {
      return stub().listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList();
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, null);
    }
  }

  public Dataset delete(String nameOrHash) {
    try {
      return stub().deleteDataset(DeleteDatasetRequest.newBuilder().setDataset(nameOrHash).build());
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, null);
    }
  }

  /** Uploads {@code file} as dataset {@code name} (resuming a broken stream); returns the stored dataset. */
  public Dataset push(Path file, String name, LongConsumer progress) throws IOException, InterruptedException {
    try {
      return new DatasetUploader(channel).upload(file, name, progress).getDataset();
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, null);
    }
  }

  /**
   * For each file (absolute path and SHA-256 of the local copy): does the coordinator read the same bytes
   * there? A coordinator without {@code DatasetService} (an older version) cannot be asked nor take uploads:
   * every file counts as visible, and the paths go as they are.
   */
  public List<Boolean> visible(List<DataFileHash> files) {
    try {
      return stub().checkFiles(CheckFilesRequest.newBuilder().addAllFiles(files).build()).getVisibleList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
        return files.stream().map(f -> true).toList();
      }
      throw GrpcErrors.translate(e, address, null);
    }
  }

  /** Saves job {@code jobId}'s model to {@code target} (verified by SHA-256; replaced atomically). */
  public FileHeader downloadModel(String jobId, Path target, LongConsumer progress) throws IOException {
    try {
      return FileReceiver.receive(DatasetServiceGrpc.newBlockingStub(channel)
          .getModel(GetModelRequest.newBuilder().setJobId(jobId).build()), target, null, progress);
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, jobId);
    }
  }
}
