package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.CoordinatorAddress;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CliException;
import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.cli.support.ShutdownHooks;
import io.ringmaster.coordinator.CoordinatorServer.SchedulerKind;
import io.ringmaster.coordinator.config.CoordinatorConfig;
import io.ringmaster.coordinator.config.CoordinatorConfigReader;
import io.ringmaster.coordinator.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ringmaster coordinator}: serves jobs until the process is stopped. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = {"Run a coordinator until stopped (Ctrl-C).",
        "Clients submit jobs to it. With --scheduler local it launches worker JVMs",
        "on this machine; with external it waits for workers started with",
        "'ringmaster worker --coordinator HOST:PORT'."})
final class CoordinatorCommand implements Callable<Integer> {
  private final CliContext context;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 accepts remote clients and workers (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + CoordinatorAddress.DEFAULT_PORT,
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "runs",
      description = "Where the job store and job directories (logs, models) live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--scheduler", paramLabel = "local|external|kubernetes", defaultValue = "local",
      description = "How workers are obtained: local (worker JVMs launched here), external (workers"
          + " attach by themselves) or kubernetes (one worker pod per rank; see docs/KUBERNETES.md)"
          + " (default: ${DEFAULT-VALUE}).")
  SchedulerKind scheduler;

  @Option(names = "--advertise-address", paramLabel = "HOST:PORT",
      description = "The address workers dial to reach this coordinator (default: --host:--port; required with"
          + " --scheduler kubernetes when --host is 0.0.0.0, e.g. the coordinator's Service name).")
  String advertiseAddress;

  @Option(names = "--k8s-namespace", paramLabel = "NS",
      description = "Namespace of the worker pods (default: the coordinator's own, from its service account,"
          + " else default).")
  String k8sNamespace;

  @Option(names = "--k8s-worker-image", paramLabel = "IMAGE",
      description = "Image of CPU worker pods; its entrypoint must be the ringmaster command.")
  String k8sWorkerImage;

  @Option(names = "--k8s-worker-image-cuda", paramLabel = "IMAGE",
      description = "Image of worker pods that ask for GPUs (resources.gpus > 0); without it such jobs fail.")
  String k8sWorkerImageCuda;

  @Option(names = "--k8s-image-pull-policy", paramLabel = "Always|IfNotPresent|Never",
      description = "Pull policy of the worker images (default: the cluster's).")
  String k8sImagePullPolicy;

  @Option(names = "--k8s-image-pull-secret", paramLabel = "NAME",
      description = "Secret for pulling the worker images; repeat for several.")
  java.util.List<String> k8sImagePullSecrets = new java.util.ArrayList<>();

  @Option(names = "--k8s-service-account", paramLabel = "NAME",
      description = "Service account of the worker pods (default: the namespace's default).")
  String k8sServiceAccount;

  @Option(names = "--k8s-gang-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "How long a job's worker pods may stay unschedulable before they are all removed and the"
          + " job waits QUEUED, retrying with backoff (default: ${DEFAULT-VALUE}).")
  long k8sGangTimeoutS;

  @Option(names = "--k8s-worker-port", paramLabel = "PORT", defaultValue = "7070",
      description = "Port of each worker pod's gRPC server (the collective ring between workers); 0 lets"
          + " every worker pick one (default: ${DEFAULT-VALUE}).")
  int k8sWorkerPort;

  @Option(names = "--k8s-worker-tls-secret", paramLabel = "NAME",
      description = "Secret (tls.crt, tls.key, ca.crt) mounted into worker pods as their TLS identity; required when"
          + " the coordinator serves TLS. Without it worker pods run plaintext (--insecure).")
  String k8sWorkerTlsSecret;

  @Option(names = "--k8s-training-job-tenant", paramLabel = "TENANT",
      description = "Tenant (of the tokens file) that the namespace's TrainingJobs belong to: its tokens see their"
          + " jobs, its quota applies, their specs name its datasets. Default: no tenant (only admins see them;"
          + " docs/SECURITY.md).")
  String k8sTrainingJobTenant;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Coordinator configuration file (YAML; see docs/COORDINATOR.md). Flags given on the command"
          + " line win over it.")
  Path configFile;

  @Option(names = "--max-concurrent-jobs", paramLabel = "N", description = "Jobs running at once (jobs.maxConcurrent; default 1).")
  String maxConcurrentJobs;

  @Option(names = "--max-queued-jobs", paramLabel = "N",
      description = "Queued jobs beyond which submissions are refused (jobs.maxQueued; default 100).")
  String maxQueuedJobs;

  @Option(names = "--max-workers-per-job", paramLabel = "N",
      description = "Largest spec.workers accepted (jobs.maxWorkersPerJob; default 64).")
  String maxWorkersPerJob;

  @Option(names = "--executor-threads", paramLabel = "N",
      description = "Threads serving gRPC calls; calls beyond them wait (grpc.executorThreads; default 16).")
  String executorThreads;

  @Option(names = "--max-message-mb", paramLabel = "MIB",
      description = "Largest gRPC message accepted, MiB (grpc.maxMessageMb; default 4).")
  String maxMessageMb;

  @Option(names = "--retention-days", paramLabel = "DAYS",
      description = "Delete finished jobs older than this (retention.keepDays; default 0: keep).")
  String retentionDays;

  @Option(names = "--retention-jobs", paramLabel = "N",
      description = "Keep only the newest N finished jobs (retention.keepFinishedJobs; default 0: keep all).")
  String retentionJobs;

  @Option(names = "--max-dataset-mb", paramLabel = "MIB",
      description = "Largest dataset an upload may announce, MiB (datasets.maxDatasetMb; default 8192).")
  String maxDatasetMb;

  @Option(names = "--max-dataset-store-mb", paramLabel = "MIB",
      description = "Most MiB of datasets stored plus unfinished uploads (datasets.maxStoreMb; default 0: no limit).")
  String maxDatasetStoreMb;

  @Option(names = "--max-concurrent-uploads", paramLabel = "N",
      description = "Unfinished dataset uploads at once (datasets.maxConcurrentUploads; default 8).")
  String maxConcurrentUploads;

  @Option(names = "--upload-expiry-minutes", paramLabel = "MIN",
      description = "Delete an unfinished upload untouched this long (datasets.uploadExpiryMinutes; default 60).")
  String uploadExpiryMinutes;

  @Option(names = "--tokens-file", paramLabel = "FILE",
      description = "Client tokens, each with its tenant and role (security.tokensFile; see docs/SECURITY.md):"
          + " every client call then needs a token, and each tenant sees only its own jobs. Re-read when it"
          + " changes (security.tokensReloadSeconds, default 10): no restart to add or revoke a token.")
  String tokensFile;

  @Option(names = "--audit-keep-days", paramLabel = "DAYS",
      description = "Delete audit records older than this (security.auditKeepDays; default 90; 0: keep).")
  String auditKeepDays;

  @Option(names = "--client-auth", paramLabel = "tokens|none",
      description = "How clients authenticate (security.clientAuth): tokens (with --tokens-file) or none."
          + " One of the two must be given: 'none' lets anyone who reaches the port submit, see and cancel"
          + " every job.")
  String clientAuth;

  @Option(names = "--data-root", paramLabel = "DIR",
      description = "A directory under which jobs may read data files by path; repeat for several"
          + " (security.dataRoots). With client tokens and no --data-root, jobs can only use pushed datasets.")
  java.util.List<String> dataRoots = new java.util.ArrayList<>();

  @Option(names = "--set", paramLabel = "PATH=VALUE",
      description = "Any setting of the configuration file by its path, e.g. --set watchdog.idleHeartbeats=8."
          + " Repeatable.")
  java.util.Map<String, String> set = new java.util.LinkedHashMap<>();

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Serve TLS with this certificate chain (tls.cert); needs --tls-key and --tls-ca. Make development"
          + " ones with 'ringmaster certs'.")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key (tls.key; PEM, mode 0600).")
  String tlsKey;

  @Option(names = "--tls-ca", paramLabel = "PEM",
      description = "CA bundle that workers' client certificates (and local workers' peers) chain to (tls.ca).")
  String tlsCa;

  @Option(names = "--insecure",
      description = "Serve plaintext on a non-loopback --host (refused otherwise): anyone who can reach the port can"
          + " use the API and attach as a free worker.")
  boolean insecure;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  CoordinatorCommand(CliContext context) {
    this.context = context;
  }

  /** The address workers dial, the Kubernetes scheduler: {@code AS_IS} when neither applies. */
  private java.util.function.Consumer<io.ringmaster.coordinator.CoordinatorServer.Builder> customization() {
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::");
    if (advertiseAddress != null && !advertiseAddress.matches(".+:\\d{1,5}")) {
      throw new CliException(ExitCodes.USAGE, "--advertise-address must be HOST:PORT, got '" + advertiseAddress + "'");
    }
    if (scheduler != SchedulerKind.KUBERNETES) {
      if (advertiseAddress == null) {
        return CoordinatorLauncher.Settings.AS_IS;
      }
      String target = advertiseAddress;
      return b -> b.workerTarget(target);
    }
    // where the choice came from: the flag, or the configuration file's setting (named by its path)
    String kubernetes = given("--scheduler") || configFile == null ? "--scheduler kubernetes"
        : "server.scheduler: kubernetes (in " + configFile + ")";
    if (k8sWorkerImage == null || k8sWorkerImage.isBlank()) {
      throw new CliException(ExitCodes.USAGE, kubernetes + " needs --k8s-worker-image IMAGE (the worker"
          + " pods' image; add --k8s-worker-image-cuda IMAGE for GPU jobs)");
    }
    if (advertiseAddress == null && (wildcard || port == 0)) {
      throw new CliException(ExitCodes.USAGE, kubernetes + " with --host " + host + " --port " + port
          + " needs --advertise-address HOST:PORT: the address worker pods dial (e.g. the coordinator's Service,"
          + " ringmaster.<namespace>.svc:" + (port == 0 ? CoordinatorAddress.DEFAULT_PORT : port) + ")");
    }
    if (k8sWorkerPort < 0 || k8sWorkerPort > 65535) {
      throw new CliException(ExitCodes.USAGE, "--k8s-worker-port must be a port number (0-65535), got " + k8sWorkerPort);
    }
    if (k8sGangTimeoutS < 1) {
      throw new CliException(ExitCodes.USAGE, "--k8s-gang-timeout must be >= 1 s, got " + k8sGangTimeoutS);
    }
    io.ringmaster.kubernetes.KubernetesOptions options;
    try {
      String ns = k8sNamespace != null ? k8sNamespace : io.ringmaster.kubernetes.KubernetesOptions.currentNamespace();
      options = new io.ringmaster.kubernetes.KubernetesOptions(ns, k8sWorkerImage, k8sWorkerImageCuda,
          k8sImagePullPolicy, k8sImagePullSecrets, k8sServiceAccount, java.time.Duration.ofSeconds(k8sGangTimeoutS),
          java.time.Duration.ofSeconds(10), java.time.Duration.ofMinutes(5),
          k8sWorkerPort,
          io.ringmaster.kubernetes.KubernetesOptions.DEFAULT_MEMORY_OVERHEAD_MB);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    if (k8sWorkerTlsSecret != null && !k8sWorkerTlsSecret.isBlank()) {
      options = options.withWorkerTlsSecret(k8sWorkerTlsSecret.trim());
    }
    if (options.workerTlsSecret().isEmpty() && (tlsCert != null || config().tls().cert() != null)) {
      throw new CliException(ExitCodes.USAGE, "the coordinator serves TLS, so worker pods need a certificate too:"
          + " give --k8s-worker-tls-secret NAME (a Secret with tls.crt, tls.key and ca.crt; the Helm chart makes one)");
    }
    String target = advertiseAddress != null ? advertiseAddress : host + ":" + port;
    io.ringmaster.kubernetes.KubernetesOptions podOptions = options;
    String trainingJobTenant = k8sTrainingJobTenant == null ? "" : k8sTrainingJobTenant.strip();
    if (!io.ringmaster.coordinator.datasets.DatasetScope.validTenant(trainingJobTenant)) {
      throw new CliException(ExitCodes.USAGE, "--k8s-training-job-tenant must be a tenant as the tokens file writes"
          + " it (a DNS label: lowercase letters, digits and '-', 1-63 characters), got '"
          + io.ringmaster.job.spec.Echo.of(trainingJobTenant, 80) + "'");
    }
    return b -> {
      io.ringmaster.kubernetes.KubernetesScheduler k8s;
      try {
        k8s = io.ringmaster.kubernetes.KubernetesScheduler.connect(podOptions);
      } catch (RuntimeException e) {
        throw new CliException(ExitCodes.FAILED, "cannot use the Kubernetes API (namespace " + podOptions.namespace()
            + "): " + e.getMessage() + "; run the coordinator in a pod with a service account allowed to manage"
            + " pods and configmaps there, or set KUBECONFIG");
      }
      b.workerTarget(target).scheduler(k8s).tenantExtension((jobs, quotas) ->
          new io.ringmaster.kubernetes.TrainingJobReconciler(k8s.client(), k8s.namespace(), jobs, trainingJobTenant,
              quotas).start());
    };
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new CliException(ExitCodes.USAGE, "--port must be in 0..65535, got " + port);
    }
    CoordinatorConfig config = config();
    // a flag given on the command line wins over the file, the file over the flag's default
    if (!given("--host") && config.server().host() != null) {
      host = config.server().host();
    }
    if (!given("--port") && config.server().port() != null) {
      port = config.server().port();
    }
    if (!given("--data-dir") && config.server().dataDir() != null) {
      dataDir = Path.of(config.server().dataDir());
    }
    if (!given("--scheduler") && config.server().scheduler() != null) {
      scheduler = SchedulerKind.valueOf(config.server().scheduler().toUpperCase(Locale.ROOT));
    }
    // the configuration's own checks first (Kubernetes flags, TLS files), then how clients authenticate
    java.util.function.Consumer<io.ringmaster.coordinator.CoordinatorServer.Builder> custom = customization();
    try {
      config.tls().files(); // complete and readable, else a usage error naming the missing file
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    }
    if (config.security().clientAuth() == null) {
      throw new CliException(ExitCodes.USAGE, List.of("say how clients authenticate:",
          "  --tokens-file FILE   client tokens with their tenants and roles (docs/SECURITY.md), or",
          "  --client-auth none   no authentication: anyone who reaches " + host + ":" + port
              + " may submit, see and cancel every job"));
    }
    CoordinatorLauncher.Running coordinator;
    boolean plaintextAllowed = insecure;
    try {
      coordinator = context.coordinators().start(new CoordinatorLauncher.Settings(host, port, dataDir, scheduler, true,
          config, plaintextAllowed ? custom.andThen(b -> b.insecure(true)) : custom));
    } catch (io.ringmaster.job.security.ExposureCheck.InsecureExposureException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    } catch (InvalidConfigException e) {
      List<String> lines = new ArrayList<>();
      e.violations().forEach(v -> lines.add(v.toString()));
      throw new CliException(ExitCodes.USAGE, lines);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage());
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot start the coordinator on " + host + ":" + port + ": "
          + e.getMessage() + (port == 0 ? "" : " (is another coordinator running there? choose another --port)"));
    }
    ShutdownHooks.Registration hook =
        context.shutdownHooks().register("ringmaster-coordinator-stop", coordinator::close);
    try {
      String address = host + ":" + coordinator.port();
      context.out().println("Coordinator listening on " + address + " (scheduler "
          + scheduler.name().toLowerCase(Locale.ROOT) + ", data dir " + dataDir.toAbsolutePath().normalize()
          + ", client auth " + config.security().clientAuth() + ")");
      boolean tls = config.tls().cert() != null;
      context.out().println("Submit jobs with: ringmaster submit JOB.yaml --coordinator " + address
          + (tls ? " --tls-ca " + config.tls().ca() : ""));
      context.out().flush();
      coordinator.awaitTermination();
    } finally {
      hook.close();
      coordinator.close();
    }
    return ExitCodes.OK;
  }

  private boolean given(String option) {
    return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** The file (if any) with the flags on top; a bad setting is a usage error naming it. */
  private CoordinatorConfig config() {
    String yaml = null;
    if (configFile != null) {
      try {
        yaml = Files.readString(configFile);
      } catch (IOException e) {
        throw new CliException(ExitCodes.USAGE, "--config " + configFile + ": cannot read it (" + e + ")");
      }
    }
    Map<String, Map.Entry<String, String>> overrides = new LinkedHashMap<>();
    set.forEach((path, value) -> overrides.put(path, Map.entry("--set " + path, value)));
    flag(overrides, "jobs.maxConcurrent", "--max-concurrent-jobs", maxConcurrentJobs);
    flag(overrides, "jobs.maxQueued", "--max-queued-jobs", maxQueuedJobs);
    flag(overrides, "jobs.maxWorkersPerJob", "--max-workers-per-job", maxWorkersPerJob);
    flag(overrides, "grpc.executorThreads", "--executor-threads", executorThreads);
    flag(overrides, "grpc.maxMessageMb", "--max-message-mb", maxMessageMb);
    flag(overrides, "retention.keepDays", "--retention-days", retentionDays);
    flag(overrides, "retention.keepFinishedJobs", "--retention-jobs", retentionJobs);
    flag(overrides, "datasets.maxDatasetMb", "--max-dataset-mb", maxDatasetMb);
    flag(overrides, "datasets.maxStoreMb", "--max-dataset-store-mb", maxDatasetStoreMb);
    flag(overrides, "datasets.maxConcurrentUploads", "--max-concurrent-uploads", maxConcurrentUploads);
    flag(overrides, "datasets.uploadExpiryMinutes", "--upload-expiry-minutes", uploadExpiryMinutes);
    flag(overrides, "security.tokensFile", "--tokens-file", tokensFile);
    flag(overrides, "security.clientAuth", "--client-auth", clientAuth);
    flag(overrides, "security.auditKeepDays", "--audit-keep-days", auditKeepDays);
    flag(overrides, "security.dataRoots", "--data-root", dataRoots.isEmpty() ? null : String.join(",", dataRoots));
    flag(overrides, "tls.cert", "--tls-cert", tlsCert);
    flag(overrides, "tls.key", "--tls-key", tlsKey);
    flag(overrides, "tls.ca", "--tls-ca", tlsCa);
    try {
      return CoordinatorConfigReader.read(yaml, configFile == null ? "flags" : configFile.toString(), overrides);
    } catch (InvalidConfigException e) {
      List<String> lines = new ArrayList<>();
      e.violations().forEach(v -> lines.add(v.toString()));
      throw new CliException(ExitCodes.USAGE, lines);
    }
  }

  private static void flag(Map<String, Map.Entry<String, String>> overrides, String path, String flag, String value) {
    if (value != null) {
      overrides.put(path, Map.entry(flag, value));
    }
  }
}
