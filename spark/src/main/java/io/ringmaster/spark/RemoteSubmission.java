package io.ringmaster.spark;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.ringmaster.job.security.ClientToken;
import io.ringmaster.job.spec.DataSpec;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.FaultToleranceSpec;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.transfer.DatasetUploader;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.SubmitJobRequest;
import io.ringmaster.proto.v1.WatchJobRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code --coordinator HOST:PORT}: instead of training inside Spark, Spark prepares the data and a running
 * Ringmaster coordinator trains on it with its own workers.
 *
 * <ol>
 *   <li>Each dataset becomes files the core reads: IDX pairs are sent as they are (LeNet keeps its image
 *       layout); anything else is written by the driver as a gzipped CSV ({@code label,f0,f1,...}, one row per
 *       sample, streamed from the executors one partition at a time with {@code toLocalIterator}) into
 *       {@code <output>/upload}.
 *   <li>The files are uploaded to the coordinator's {@code DatasetService} (resumable, SHA-256 checked: the
 *       core's {@link DatasetUploader}, as {@code ringmaster datasets push} does), named after the job.
 *   <li>The job is submitted naming those stored datasets ({@code JobService.SubmitJob}); its id is printed,
 *       and it is followed ({@code WatchJob}) to its end, each epoch printed in the CLI's format.
 * </ol>
 *
 * The channel is the CLI's ({@link RemoteCoordinator}: TLS with {@code --tls-ca}, plaintext only to loopback
 * or with {@code --insecure}, the client token from {@code RINGMASTER_TOKEN} or the config file). Before Spark
 * writes anything, one cheap call ({@code ListJobs}, one job) checks that the coordinator answers, its
 * certificate is trusted and it accepts the token, so a refusal costs seconds, not an upload. The token's
 * tenant owns the uploaded datasets' job.
 *
 * <p>The job keeps the core's fault tolerance (its workers are the coordinator's, not barrier tasks) and
 * {@code checkpointEverySteps}. Exit code 0 when it succeeded, 1 when it failed, was cancelled or the
 * coordinator refused the driver.
 */
final class RemoteSubmission {
  private final RemoteCoordinator coordinator;
  private final String target;
  private final PrintStream out;

  RemoteSubmission(RemoteCoordinator coordinator, PrintStream out) {
    this.coordinator = coordinator;
    this.target = coordinator.target();
    this.out = out;
  }

  /**
   * Checks that the coordinator answers and accepts this driver (TLS and token); prints why not.
   *
   * @return true if it does
   */
  boolean reachable() throws InterruptedException {
    ManagedChannel channel = coordinator.open();
    try {
      JobServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .listJobs(ListJobsRequest.newBuilder().setPageSize(1).build());
      return true;
    } catch (StatusRuntimeException e) {
      out.println(refusal(e.getStatus()));
      return false;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /**
   * @param train,test the normalised frames ({@code label}, {@code features}) of each dataset
   * @param dir where the CSV files are written before they are uploaded
   */
  int run(RingmasterSparkMain.Request request, Dataset<Row> train, Dataset<Row> test, int features, Path dir)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String base = datasetName(request.spec().label());
    ManagedChannel channel = coordinator.open();
    try {
      DatasetUploader uploader = new DatasetUploader(channel);
      DatasetRef trainRef = upload(uploader, request.train(), train, features, dir, base + "-train");
      DatasetRef testRef = upload(uploader, request.test(), test, features, dir, base + "-test");
      JobSpec s = request.spec();
      JobSpec spec = new JobSpec(s.name(), s.model(), new DataSpec(trainRef, testRef), s.epochs(), s.batchSize(),
          s.updater(), s.seed(), s.workers(), null, null, new FaultToleranceSpec(0, 0,
              FaultToleranceSpec.UNSET_MAX_REPLACEMENTS, 0, s.ft().checkpointEverySteps(), false, 0, 0, 0), null);
      var jobs = JobServiceGrpc.newBlockingStub(channel);
      Job job = jobs.submitJob(SubmitJobRequest.newBuilder().setSpec(SpecProtos.toProto(spec)).build());
      out.println("Submitted job " + job.getId() + " to " + target);
      return follow(jobs, job, s.epochs());
    } catch (StatusRuntimeException e) {
      out.println(refusal(e.getStatus()));
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** What the coordinator's refusal means for whoever runs spark-submit, and what to do. */
  String refusal(Status status) {
    String said = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    String hint = switch (status.getCode()) {
      case UNAUTHENTICATED -> coordinator.hasToken()
          ? " (the driver sent the token of $" + ClientToken.ENV + " or its config file;"
              + " ask the coordinator's operator for a valid one)"
          : " (the driver sent no client token: set $" + ClientToken.ENV + " in the driver's"
              + " environment (cluster mode: spark.kubernetes.driverEnv." + ClientToken.ENV
              + " or spark.yarn.appMasterEnv." + ClientToken.ENV + "; Spark's UI redacts"
              + " them), or 'token:' in the driver user's ~/.config/ringmaster/config.yaml (chmod 600); never an"
              + " argument)";
      case UNAVAILABLE -> coordinator.security().isTls()
          ? " (is it listening there, with TLS, and does its certificate chain to --tls-ca and name the host?)"
          : " (is it listening there? a coordinator with TLS needs --tls-ca)";
      case PERMISSION_DENIED -> " (uploading datasets and submitting a job need a token of role submit)";
      default -> "";
    };
    return "ringmaster-spark: the coordinator at " + target + " refused: " + said + hint;
  }

  private DatasetRef upload(DatasetUploader uploader, DataSource source, Dataset<Row> frame, int features, Path dir,
      String name) throws IOException, InterruptedException {
    if (source.format().equals("idx")) {
      uploader.upload(Path.of(source.path()), name + "-images", n -> { });
      uploader.upload(Path.of(source.labelsPath()), name + "-labels", n -> { });
      out.println("Uploaded " + source.path() + " and " + source.labelsPath() + " as " + name + "-images/-labels");
      return DatasetRef.storedIdx(name + "-images", name + "-labels");
    }
    Path csv = dir.resolve(name + ".csv.gz");
    long rows = writeCsv(frame.toLocalIterator(), features, csv);
    uploader.upload(csv, name, n -> { });
    out.println(String.format(Locale.US, "Uploaded %,d rows of %s as %s (%,d bytes)", rows, source.path(), name,
        Files.size(csv)));
    return DatasetRef.storedCsv(name, "label");
  }

  /** Writes normalised rows ({@code label}, {@code features}) as a gzipped CSV with a header; returns the rows. */
  static long writeCsv(Iterator<Row> rows, int features, Path file) throws IOException {
    long n = 0;
    try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file),
        1 << 16), StandardCharsets.US_ASCII), 1 << 16)) {
      w.write("label");
      for (int i = 0; i < features; i++) {
        w.write(",f" + i);
      }
      w.write('\n');
      while (rows.hasNext()) {
        Row r = rows.next();
        w.write(Integer.toString(r.getInt(0)));
        List<Object> values = r.getList(1);
        for (Object v : values) {
          w.write(',');
          w.write(v == null ? "0" : Float.toString(((Number) v).floatValue()));
        }
        w.write('\n');
        n++;
      }
    }
    return n;
  }

  private int follow(JobServiceGrpc.JobServiceBlockingStub jobs, Job job, int epochs) {
    Job last = job;
    Iterator<JobEvent> events = jobs.watchJob(WatchJobRequest.newBuilder().setJobId(job.getId()).build());
    while (events.hasNext()) {
      JobEvent e = events.next();
      last = e.getJob();
      switch (e.getKind()) {
        case EPOCH_FINISHED -> out.println(EpochLines.metrics(e.getEpoch(), epochs));
        case NOTICE -> out.println("job " + job.getId() + ": " + e.getNotice());
        default -> { }
      }
      if (terminal(last.getState())) {
        break;
      }
    }
    if (last.getState() == JobState.JOB_STATE_SUCCEEDED) {
      out.println("Job " + last.getId() + " succeeded on " + target + "; download the model with `ringmaster download "
          + last.getId() + " --coordinator " + target + (coordinator.security().isTls()
              ? " --tls-ca " + coordinator.security().files().trustBundle() : coordinator.insecure() ? " --insecure" : "")
          + " -o model.zip`");
      return 0;
    }
    out.println("Job " + last.getId() + " " + io.ringmaster.job.JobState.shortName(last.getState()).toLowerCase(Locale.ROOT) + ": " + last.getMessage());
    return 1;
  }

  private static boolean terminal(JobState s) {
    return s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED;
  }

  /** A stored dataset's name from the job's label: letters, digits, '.', '_' and '-'. */
  static String datasetName(String label) {
    String n = label.replaceAll("[^A-Za-z0-9._-]", "-");
    n = n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0)) ? "spark-" + n : n;
    return n.length() > 100 ? n.substring(0, 100) : n;
  }
}
