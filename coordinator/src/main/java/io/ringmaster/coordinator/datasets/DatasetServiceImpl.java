package io.ringmaster.coordinator.datasets;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.security.AuthenticatedJob;
import io.ringmaster.job.spec.Echo;
import io.ringmaster.coordinator.auth.Caller;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.coordinator.checkpoint.FileDigests;
import io.ringmaster.proto.v1.CheckFilesRequest;
import io.ringmaster.proto.v1.CheckFilesResponse;
import io.ringmaster.proto.v1.DataFileHash;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteDatasetRequest;
import io.ringmaster.proto.v1.DownloadFileRequest;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.GetDatasetRequest;
import io.ringmaster.proto.v1.GetModelRequest;
import io.ringmaster.proto.v1.GetUploadRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.ListDatasetsRequest;
import io.ringmaster.proto.v1.ListDatasetsResponse;
import io.ringmaster.proto.v1.ModelRef;
import io.ringmaster.proto.v1.StartUploadRequest;
import io.ringmaster.proto.v1.UploadChunk;
import io.ringmaster.proto.v1.UploadStatus;
import io.ringmaster.job.transfer.FileSender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's {@code DatasetService}: dataset uploads, catalogue and deletion over the {@link
 * DatasetStore}, each in the caller's {@link DatasetScope} (its tenant's datasets; every tenant's for
 * admins); file downloads for workers (stored datasets and jobs' data files, by SHA-256); model
 * upload by rank 0 and download by clients. Status codes are documented on the proto service. The two worker
 * methods ({@code DownloadFile}, {@code UploadModel}) run only for a call a {@link
 * io.ringmaster.coordinator.security.WorkerCallGuard} authenticated for one job ({@link AuthenticatedJob}), and
 * serve or store only that job's files; the client methods need the {@code ClientAuthInterceptor}'s caller.
 */
public final class DatasetServiceImpl extends DatasetServiceGrpc.DatasetServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(DatasetServiceImpl.class);

  private final DatasetStore store;
  private final JobFiles jobs;
  private final FileDigests digests = new FileDigests();

  public DatasetServiceImpl(DatasetStore store, JobFiles jobs) {
    this.store = store;
    this.jobs = jobs;
  }

  @Override
  public void startUpload(StartUploadRequest request, StreamObserver<UploadStatus> response) {
    DatasetScope scope = DatasetScope.of(Caller.current());
    unary(response, () -> store.start(scope, request));
  }

  @Override
  public StreamObserver<UploadChunk> uploadChunks(StreamObserver<UploadStatus> response) {
    return new UploadChunksStream(store, DatasetScope.of(Caller.current()), response);
  }

  @Override
  public void getUpload(GetUploadRequest request, StreamObserver<UploadStatus> response) {
    DatasetScope scope = DatasetScope.of(Caller.current());
    unary(response, () -> store.status(scope, request.getUploadId()));
  }

  @Override
  public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> response) {
    DatasetScope scope = DatasetScope.of(Caller.current());
    unary(response, () -> ListDatasetsResponse.newBuilder().addAllDatasets(store.list(scope)).build());
  }

  @Override
  public void getDataset(GetDatasetRequest request, StreamObserver<Dataset> response) {
    DatasetScope scope = DatasetScope.of(Caller.current());
    unary(response, () -> store.get(scope, request.getDataset()));
  }

  @Override
  public void deleteDataset(DeleteDatasetRequest request, StreamObserver<Dataset> response) {
    DatasetScope scope = DatasetScope.of(Caller.current());
    unary(response, () -> store.delete(scope, request.getDataset(), jobs));
  }

  @Override
  public void downloadFile(DownloadFileRequest request, StreamObserver<FileChunk> responses) {
    String sha = request.getSha256();
    if (!Sha256.isHex(sha)) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription("sha256 must be 64 lowercase hex digits, got '"
          + io.ringmaster.job.spec.Echo.of(sha, 80) + "'").asRuntimeException());
      return;
    }
    String job = AuthenticatedJob.current().jobId();
    // only the files of the job the call was authenticated for; any other is answered as a missing one
    Optional<Path> file = jobs.isDataFileOf(job, sha) ? store.blob(sha).or(() -> jobs.dataFile(sha)) : Optional.empty();
    if (file.isEmpty() || !Files.isReadable(file.get())) {
      responses.onError(Status.NOT_FOUND.withDescription("this coordinator serves job " + Echo.of(job)
          + " no file with SHA-256 " + sha + " (neither a stored dataset nor a data file that job names)")
          .asRuntimeException());
      return;
    }
    FileSender.send(file.get(), "", sha, responses);
  }

  @Override
  public void getModel(GetModelRequest request, StreamObserver<FileChunk> responses) {
    String id = request.getJobId();
    Caller caller = Caller.current();
    // another tenant's job is answered as an unknown one: no existence oracle
    Optional<Job> job = id.length() > 128 ? Optional.empty()
        : jobs.job(id).filter(j -> caller.sees(j.getTenant()));
    if (job.isEmpty()) {
      responses.onError(Status.NOT_FOUND.withDescription("no job " + io.ringmaster.job.spec.Echo.of(id)
          + " on this coordinator").asRuntimeException());
      return;
    }
    Path model = Path.of(job.get().getJobDir()).resolve(JobFiles.MODEL_FILE);
    if (!Files.isRegularFile(model)) {
      responses.onError(Status.FAILED_PRECONDITION.withDescription("job " + id + " has no model: it is "
          + io.ringmaster.job.JobState.shortName(job.get().getState()) + (job.get().getMessage().isEmpty() ? "" : " (" + job.get().getMessage() + ")")
          + "; a model exists once the job SUCCEEDED").asRuntimeException());
      return;
    }
    String sha;
    try {
      sha = Sha256.ofFile(model);
    } catch (IOException e) {
      responses.onError(Status.INTERNAL.withDescription("cannot read the model of job " + id + ": " + e)
          .asRuntimeException());
      return;
    }
    FileSender.send(model, id, sha, responses);
  }

  @Override
  public void checkFiles(CheckFilesRequest request, StreamObserver<CheckFilesResponse> response) {
    CheckFilesResponse.Builder b = CheckFilesResponse.newBuilder();
    for (DataFileHash f : request.getFilesList()) {
      boolean visible = false;
      try {
        Path p = Path.of(f.getPath());
        visible = p.isAbsolute() && jobs.mayRead(p) && Files.isRegularFile(p) && Files.isReadable(p)
            && digests.digest(p).getSha256().equals(f.getSha256());
      } catch (IOException | java.nio.file.InvalidPathException e) {
        log.debug("CheckFiles: {} not readable here: {}", f.getPath(), e.toString());
      }
      b.addVisible(visible);
    }
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<FileChunk> uploadModel(StreamObserver<ModelRef> response) {
    return new ModelUploadStream(jobs, AuthenticatedJob.current(), response);
  }

  /** A unary call whose work may be refused by the store. */
  private interface Work<T> {
    T run() throws DatasetStoreException, IOException;
  }

  private static <T> void unary(StreamObserver<T> response, Work<T> work) {
    T result;
    try {
      result = work.run();
    } catch (DatasetStoreException e) {
      response.onError(DatasetStatus.of(e).asRuntimeException());
      return;
    } catch (IOException | RuntimeException e) {
      log.error("dataset request failed", e);
      response.onError(Status.INTERNAL.withDescription("the coordinator's dataset store failed: " + e)
          .asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }
}
