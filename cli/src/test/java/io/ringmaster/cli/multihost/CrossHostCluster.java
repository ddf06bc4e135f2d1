package io.ringmaster.cli.multihost;

import io.ringmaster.testhosts.NetworkHosts;
import io.ringmaster.testhosts.HostProcess;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.ringmaster.coordinator.scheduler.WorkerJvmFlags;
import io.ringmaster.job.spec.JobSpecYaml;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.job.testing.FashionSubset;
import io.ringmaster.proto.v1.CancelJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.SubmitJobRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A coordinator ({@code ringmaster coordinator --scheduler external}) on host 1 of a {@link NetworkHosts}
 * and one hand-started worker ({@code ringmaster worker --coordinator HOST1:PORT --host HOSTi}) on each of
 * the next hosts, each its own JVM, as a user would run them on separate machines; optionally more hosts
 * with nothing on them, for clients ({@link #clientHost}, {@link #runClient}); and a gRPC client from this
 * JVM through the bridge. Workers are known by the id they attached with, which the coordinator's
 * log names ("worker ID (ADDR:PORT, pid P) attached").
 *
 * <p>Every wait is bounded, and ends early when what it waits for cannot happen any more (the job ended,
 * a process died); the error then carries the job's status, workers and notices ({@link #diagnosis}).
 * Tests print the processes' logs ({@link NetworkHosts#report}) when they fail.
 */
final class CrossHostCluster implements AutoCloseable {
  static final int PORT = 7070;
  private static final Pattern ATTACHED =
      Pattern.compile("worker (\\S+) \\((198\\.1[89]\\.\\d+\\.\\d+):\\d+, pid \\d+\\) attached");

  final NetworkHosts net;
  final HostProcess coordinator;
  final Map<NetworkHosts.Host, HostProcess> workers = new LinkedHashMap<>();
  private final Map<NetworkHosts.Host, String> workerIds = new LinkedHashMap<>();
  private final ManagedChannel channel;
  private final List<JobRecorder> recorders = new ArrayList<>();

  private final Path dir;
  private final int workerCount;

  /** This JVM's TLS: it trusts the cluster's CA (and checks the coordinator's host name). */
  private final io.ringmaster.job.security.TransportSecurity clientTls;

  private CrossHostCluster(NetworkHosts net, HostProcess coordinator, Path dir, int workerCount) {
    this.dir = dir;
    this.workerCount = workerCount;
    this.net = net;
    this.coordinator = coordinator;
    this.clientTls = io.ringmaster.job.security.TransportSecurity.of(
        io.ringmaster.job.security.TlsFiles.trustOnly(certs(dir).resolve("ca.pem")));
    this.channel = io.ringmaster.job.security.GrpcEndpoints.channel(net.host(1).address(), PORT, clientTls).build();
  }

  private static Path certs(Path dir) {
    return dir.resolve("certs").toAbsolutePath();
  }

  /**
   * A development CA in {@code dir/certs} and a certificate per host naming its address, as an operator
   * would make them with {@code ringmaster certs --host ADDR --name host-i}: every process runs TLS, the real
   * use across machines.
   */
  private static void makeCertificates(Path dir, NetworkHosts net) throws IOException {
    var ca = io.ringmaster.job.security.DevCertificateAuthority.create("cross-host CA", Duration.ofDays(2),
        java.time.Clock.systemUTC());
    ca.write(certs(dir));
    for (NetworkHosts.Host h : net.hosts()) {
      ca.issue("host-" + h.index(), List.of(h.address()), Duration.ofDays(1)).write(certs(dir), "host-" + h.index());
    }
  }

  /** {@code --tls-cert/--tls-key/--tls-ca} of the process on {@code h}. */
  private static List<String> tlsFlags(Path dir, NetworkHosts.Host h) {
    Path c = certs(dir);
    return List.of("--tls-cert", c.resolve("host-" + h.index() + ".pem").toString(),
        "--tls-key", c.resolve("host-" + h.index() + "-key.pem").toString(), "--tls-ca", c.resolve("ca.pem").toString());
  }

  /** Hosts 1..1+workers: the coordinator on host 1, a worker on each other one, all attached. */
  static CrossHostCluster start(Path dir, int workerCount) throws IOException {
    return start(dir, workerCount, 0);
  }

  /**
   * The coordinator on host 1, a worker on each of hosts 2..1+workers, all attached, and {@code clientHosts}
   * more hosts after them with nothing running (for clients: {@link #clientHost}).
   */
  static CrossHostCluster start(Path dir, int workerCount, int clientHosts) throws IOException {
    NetworkHosts net = NetworkHosts.create(1 + workerCount + clientHosts, dir.resolve("logs"));
    CrossHostCluster c = null;
    try {
      NetworkHosts.Host h1 = net.host(1);
      makeCertificates(dir, net);
      // TLS with a certificate per host (tls), and no client tokens: the test JVM and the client hosts call
      // without one (authz)
      List<String> args = new ArrayList<>(List.of("coordinator", "--host", h1.address(), "--port", String.valueOf(PORT),
          "--data-dir", dir.resolve("runs").toString(), "--scheduler", "external", "--client-auth", "none"));
      args.addAll(tlsFlags(dir, h1));
      HostProcess coordinator = net.startRingmaster(h1, "coordinator", List.of("-Xmx512m", "-XX:+UseSerialGC"), args);
      c = new CrossHostCluster(net, coordinator, dir, workerCount);
      c.awaitLog(coordinator, "Coordinator listening on " + h1.address(), Duration.ofSeconds(60));
      c.startWorkers();
      return c;
    } catch (IOException | RuntimeException | Error e) {
      if (c != null) {
        System.out.println(net.report(60));
        c.close();
      } else {
        net.close();
      }
      throw e;
    }
  }

  private void startWorkers() throws IOException {
    List<String> jvm = new ArrayList<>(WorkerJvmFlags.recommended());
    jvm.addAll(WorkerJvmFlags.memory(512, 512));
    // the worker's own logging (INFO), as from the packaged CLI: the cli tests' logback-test.xml would win
    jvm.add("-Dlogback.configurationFile=logback.xml");
    NetworkHosts.Host h1 = net.host(1);
    for (NetworkHosts.Host h : workerHosts()) {
      List<String> args = new ArrayList<>(List.of("worker", "--coordinator", h1.address() + ":" + PORT, "--host",
          h.address(), "--data-dir", workerDataDir(h).toString()));
      args.addAll(tlsFlags(dir, h));
      workers.put(h, net.startRingmaster(h, "worker-" + h.index(), jvm, args));
    }
    for (NetworkHosts.Host h : workers.keySet()) {
      HostProcess w = workers.get(h);
      bound("worker on " + h + " attaches", Duration.ofSeconds(60), () -> attachments(h).size() >= 1, null,
          () -> !w.isAlive() || !coordinator.isAlive());
      workerIds.put(h, attachments(h).get(0));
    }
  }

  /** Hosts 2..1+workers, one worker on each. */
  List<NetworkHosts.Host> workerHosts() {
    return net.hosts().subList(1, 1 + workerCount);
  }

  /** The {@code i}-th host (1-based) after the workers' hosts, where nothing runs but clients. */
  NetworkHosts.Host clientHost(int i) {
    return net.host(1 + workerCount + i);
  }

  /**
   * Runs the {@code ringmaster} command ({@code args}, with {@code --coordinator HOST1:PORT} added) on
   * {@code host}, as a user there would, and waits for it to exit 0; returns its output (standard output
   * and error). On a non-zero exit or after {@code atMost} it fails with the output.
   */
  String runClient(NetworkHosts.Host host, String name, Duration atMost, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    // the coordinator runs TLS: the client trusts the cluster's CA (and checks the coordinator's host name)
    all.addAll(List.of("--coordinator", net.host(1).address() + ":" + PORT,
        "--tls-ca", certs(dir).resolve("ca.pem").toString()));
    HostProcess p = net.startRingmaster(host, name, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        all);
    java.util.OptionalInt code = p.awaitExit(atMost);
    if (code.isEmpty() || code.getAsInt() != 0) {
      throw new AssertionError("ringmaster " + String.join(" ", all) + " on " + host + (code.isEmpty()
          ? " did not exit within " + atMost.toSeconds() + " s" : " exited with " + code.getAsInt()) + ":\n" + p.log());
    }
    return p.log();
  }

  /** The worker on {@code h}'s own data directory (its dataset cache, rank 0's model before upload). */
  Path workerDataDir(NetworkHosts.Host h) {
    return dir.resolve("worker-" + h.index() + "-data").toAbsolutePath();
  }

  /** The channel this JVM talks to the coordinator on (JobService, DatasetService). */
  ManagedChannel channel() {
    return channel;
  }

  /** The id the worker on {@code h} attached with. */
  String workerId(NetworkHosts.Host h) {
    return workerIds.get(h);
  }

  /** The ids the worker on {@code h} attached with, one entry per attachment, from the coordinator's log. */
  List<String> attachments(NetworkHosts.Host h) {
    List<String> ids = new ArrayList<>();
    Matcher m = ATTACHED.matcher(coordinator.log());
    while (m.find()) {
      if (m.group(2).equals(h.address())) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }

  JobServiceGrpc.JobServiceBlockingStub jobs() {
    return JobServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  static JobSpec spec(FashionSubset data, String name, int workers, int epochs, int batch, String faultTolerance) {
    return SpecProtos.toProto(JobSpecYaml.parse(data.yaml(name, workers, epochs, batch, faultTolerance),
        data.trainImages().getParent()));
  }

  /** Submits the job and starts recording its events. */
  Submitted submit(JobSpec spec) {
    String id = jobs().submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build()).getId();
    JobRecorder r = new JobRecorder(channel, id);
    recorders.add(r);
    return new Submitted(id, r);
  }

  record Submitted(String id, JobRecorder recorder) {}

  Job get(String id) {
    return jobs().getJob(GetJobRequest.newBuilder().setJobId(id).build());
  }

  Job cancel(String id) {
    return jobs().cancelJob(CancelJobRequest.newBuilder().setJobId(id).build());
  }

  /** Waits until the job has trained at least one step of epoch {@code epoch} (and is RUNNING). */
  Job awaitTraining(String id, int epoch, Duration atMost) {
    bound("job " + id + " trains in epoch " + epoch, atMost, () -> {
      Job j = get(id);
      return j.getState() == JobState.JOB_STATE_RUNNING && (j.getProgress().getEpoch() > epoch
          || j.getProgress().getEpoch() == epoch && j.getProgress().getStep() > 0);
    }, id, () -> ended(get(id)));
    return get(id);
  }

  /** Waits for a terminal state (SUCCEEDED, FAILED, CANCELLED). */
  Job awaitEnd(String id, Duration atMost) {
    bound("job " + id + " ends", atMost, () -> ended(get(id)), id, () -> !coordinator.isAlive());
    return get(id);
  }

  static boolean ended(Job j) {
    return j.getState() == JobState.JOB_STATE_SUCCEEDED || j.getState() == JobState.JOB_STATE_FAILED || j.getState() == JobState.JOB_STATE_CANCELLED;
  }

  void awaitLog(HostProcess p, String text, Duration atMost) {
    bound(p.name() + " logs \"" + text + "\"", atMost, () -> p.log().contains(text), null, () -> !p.isAlive());
  }

  /**
   * Awaits {@code condition} (errors count as not yet), giving up at once when {@code hopeless} holds; on
   * either failure throws an AssertionError with {@link #diagnosis} of {@code jobId} (null: none).
   */
  void bound(String what, Duration atMost, Callable<Boolean> condition, String jobId, Callable<Boolean> hopeless) {
    try {
      await(what).atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .failFast("it cannot happen any more", hopeless).until(condition);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError((e instanceof TerminalFailureException ? "never (" + e.getMessage() + "): "
          : "not within " + atMost.toSeconds() + " s: ") + what + "\n" + diagnosis(jobId), e);
    }
  }

  /** The job's state, message, workers and notices (if it can be read), and where the process logs are. */
  String diagnosis(String jobId) {
    StringBuilder b = new StringBuilder();
    if (jobId != null) {
      try {
        Job j = get(jobId);
        b.append("job ").append(jobId).append(": ").append(j.getState()).append(" ").append(j.getReason())
            .append(" \"").append(j.getMessage()).append("\" generation ").append(j.getGeneration())
            .append(" progress ").append(j.getProgress().getEpoch()).append('/').append(j.getProgress().getStep())
            .append("\nworkers:\n").append(j.getWorkersList()).append("notices:\n");
        j.getNoticesList().forEach(n -> b.append("  ").append(n).append('\n'));
      } catch (RuntimeException e) {
        b.append("job ").append(jobId).append(": cannot read it: ").append(e).append('\n');
      }
    }
    return b.append("(process logs: ").append(net.processes().get(0).logFile().getParent()).append(")").toString();
  }

  @Override
  public void close() {
    recorders.forEach(JobRecorder::close);
    channel.shutdownNow();
    clientTls.close();
    net.close();
  }
}
