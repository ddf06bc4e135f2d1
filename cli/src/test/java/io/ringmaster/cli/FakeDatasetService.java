package io.ringmaster.cli;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.ringmaster.job.transfer.Sha256;
import io.ringmaster.proto.v1.CheckFilesRequest;
import io.ringmaster.proto.v1.CheckFilesResponse;
import io.ringmaster.proto.v1.Dataset;
import io.ringmaster.proto.v1.DatasetServiceGrpc;
import io.ringmaster.proto.v1.DeleteDatasetRequest;
import io.ringmaster.proto.v1.FileChunk;
import io.ringmaster.proto.v1.FileHeader;
import io.ringmaster.proto.v1.GetModelRequest;
import io.ringmaster.proto.v1.ListDatasetsRequest;
import io.ringmaster.proto.v1.ListDatasetsResponse;
import io.ringmaster.proto.v1.StartUploadRequest;
import io.ringmaster.proto.v1.UploadChunk;
import io.ringmaster.proto.v1.UploadStatus;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scripted {@code DatasetService}: sees no client file, stores uploads in memory, serves one model. */
final class FakeDatasetService extends DatasetServiceGrpc.DatasetServiceImplBase {
  final List<String> asked = new CopyOnWriteArrayList<>();
  final Map<String, byte[]> stored = new ConcurrentHashMap<>(); // name -> bytes
  final Map<String, StartUploadRequest> uploads = new ConcurrentHashMap<>();
  volatile boolean seesEverything;
  volatile byte[] model;

  @Override
  public void checkFiles(CheckFilesRequest request, StreamObserver<CheckFilesResponse> response) {
    CheckFilesResponse.Builder b = CheckFilesResponse.newBuilder();
    request.getFilesList().forEach(f -> {
      asked.add(f.getPath());
      b.addVisible(seesEverything);
    });
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void startUpload(StartUploadRequest request, StreamObserver<UploadStatus> response) {
    String id = "u" + uploads.size();
    uploads.put(id, request);
    response.onNext(UploadStatus.newBuilder().setUploadId(id).setSizeBytes(request.getSizeBytes()).build());
    response.onCompleted();
  }

  @Override
  public StreamObserver<UploadChunk> uploadChunks(StreamObserver<UploadStatus> response) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String[] id = new String[1];
    return new StreamObserver<>() {
      @Override
      public void onNext(UploadChunk c) {
        if (id[0] == null) {
          id[0] = c.getUploadId();
        }
        bytes.writeBytes(c.getData().toByteArray());
      }

      @Override
      public void onError(Throwable t) { }

      @Override
      public void onCompleted() {
        StartUploadRequest a = uploads.get(id[0]);
        byte[] b = bytes.toByteArray();
        stored.put(a.getName(), b);
        response.onNext(UploadStatus.newBuilder().setUploadId(id[0]).setOffset(b.length).setSizeBytes(b.length)
            .setDataset(dataset(a.getName(), b)).build());
        response.onCompleted();
      }
    };
  }

  @Override
  public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> response) {
    ListDatasetsResponse.Builder b = ListDatasetsResponse.newBuilder();
    stored.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.addDatasets(dataset(e.getKey(), e.getValue())));
    response.onNext(b.build());
    response.onCompleted();
  }

  @Override
  public void deleteDataset(DeleteDatasetRequest request, StreamObserver<Dataset> response) {
    byte[] b = stored.remove(request.getDataset());
    if (b == null) {
      response.onError(io.grpc.Status.NOT_FOUND.withDescription("no dataset " + request.getDataset()).asRuntimeException());
      return;
    }
    response.onNext(dataset(request.getDataset(), b));
    response.onCompleted();
  }

  @Override
  public void getModel(GetModelRequest request, StreamObserver<FileChunk> out) {
    out.onNext(FileChunk.newBuilder().setHeader(FileHeader.newBuilder().setJobId(request.getJobId())
        .setSizeBytes(model.length).setSha256(Sha256.of(model))).build());
    out.onNext(FileChunk.newBuilder().setData(ByteString.copyFrom(model)).build());
    out.onCompleted();
  }

  static Dataset dataset(String name, byte[] b) {
    return Dataset.newBuilder().setName(name).setSha256(Sha256.of(b)).setSizeBytes(b.length)
        .setFormat(Dataset.Format.FORMAT_IDX_IMAGES).setSamples(3).addSampleShape(28).addSampleShape(28).build();
  }
}
