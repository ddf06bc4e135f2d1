package io.ringmaster.kubernetes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the Kubernetes scheduler makes worker pods (the coordinator's {@code --k8s-*} flags).
 *
 * @param namespace where worker pods and their owner objects live
 * @param workerImage image of CPU workers; its entrypoint is the {@code ringmaster} command
 * @param workerImageCuda image of workers that ask for GPUs ("" : GPU jobs are refused)
 * @param imagePullPolicy Always, IfNotPresent or Never ("" : the cluster's default)
 * @param imagePullSecrets secrets for pulling the worker images
 * @param serviceAccount service account of worker pods ("" : the namespace's default)
 * @param gangTimeout how long a job's pods may stay Pending as Unschedulable before its gang is released
 *     and the job goes back to QUEUED
 * @param backoffInitial first wait before a released (or refused) gang is tried again; doubles per try
 * @param backoffMax longest such wait
 * @param workerPort the port of every worker's gRPC server (the collective ring) in its pod
 * @param memoryOverheadMb pod memory beyond heap + off-heap (JVM metaspace, threads, native libraries)
 */
public record KubernetesOptions(String namespace, String workerImage, String workerImageCuda,
    String imagePullPolicy, List<String> imagePullSecrets, String serviceAccount, Duration gangTimeout,
    Duration backoffInitial, Duration backoffMax, int workerPort, int memoryOverheadMb, String workerTlsSecret) {

  /** Options without a TLS secret for the worker pods (plaintext workers). */
  public KubernetesOptions(String namespace, String workerImage, String workerImageCuda,
      String imagePullPolicy, List<String> imagePullSecrets, String serviceAccount, Duration gangTimeout,
      Duration backoffInitial, Duration backoffMax, int workerPort, int memoryOverheadMb) {
    this(namespace, workerImage, workerImageCuda, imagePullPolicy, imagePullSecrets, serviceAccount, gangTimeout,
        backoffInitial, backoffMax, workerPort, memoryOverheadMb, "");
  }

  /** Where worker pods find the TLS secret's files ({@code tls.crt}, {@code tls.key}, {@code ca.crt}). */
  public static final String TLS_MOUNT = "/etc/ringmaster/tls";

  /**
   * The same options, with worker pods mounting Secret {@code secret} (type kubernetes.io/tls with {@code
   * ca.crt}, as cert-manager and the Helm chart write it) at {@link #TLS_MOUNT}: their certificate for the
   * coordinator and their peers.
   */
  public KubernetesOptions withWorkerTlsSecret(String secret) {
    return new KubernetesOptions(namespace, workerImage, workerImageCuda, imagePullPolicy, imagePullSecrets,
        serviceAccount, gangTimeout, backoffInitial, backoffMax, workerPort, memoryOverheadMb, secret);
  }

  public static final int DEFAULT_WORKER_PORT = 7070;
  public static final int DEFAULT_MEMORY_OVERHEAD_MB = 512;
  public static final Duration DEFAULT_GANG_TIMEOUT = Duration.ofSeconds(120);
  private static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public KubernetesOptions {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(workerImage, "workerImage");
    workerImageCuda = workerImageCuda == null ? "" : workerImageCuda;
    imagePullPolicy = imagePullPolicy == null ? "" : imagePullPolicy;
    imagePullSecrets = List.copyOf(imagePullSecrets);
    serviceAccount = serviceAccount == null ? "" : serviceAccount;
    workerTlsSecret = workerTlsSecret == null ? "" : workerTlsSecret;
    if (!List.of("", "Always", "IfNotPresent", "Never").contains(imagePullPolicy)) {
      throw new IllegalArgumentException("--k8s-image-pull-policy must be Always, IfNotPresent or Never, got '"
          + imagePullPolicy + "'");
    }
    if (workerImage.isBlank()) {
      throw new IllegalArgumentException("--k8s-worker-image is required with --scheduler kubernetes");
    }
    if (gangTimeout.isNegative() || gangTimeout.isZero()) {
      throw new IllegalArgumentException("--k8s-gang-timeout must be > 0 s, got " + gangTimeout.toSeconds());
    }
  }

  /** Defaults for everything but the namespace and the images. */
  public static KubernetesOptions of(String namespace, String workerImage, String workerImageCuda) {
    return new KubernetesOptions(namespace, workerImage, workerImageCuda, "", List.of(), "", DEFAULT_GANG_TIMEOUT,
        Duration.ofSeconds(10), Duration.ofMinutes(5), DEFAULT_WORKER_PORT, DEFAULT_MEMORY_OVERHEAD_MB);
  }

  public KubernetesOptions withGangTimeout(Duration timeout, Duration backoffInitial, Duration backoffMax) {
    return new KubernetesOptions(namespace, workerImage, workerImageCuda, imagePullPolicy, imagePullSecrets,
        serviceAccount, timeout, backoffInitial, backoffMax, workerPort, memoryOverheadMb, workerTlsSecret);
  }

  /** The namespace this process runs in (its service account's), else {@code default}. */
  public static String currentNamespace() {
    try {
      if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
        String ns = Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim();
        if (!ns.isEmpty()) {
          return ns;
        }
      }
    } catch (java.io.IOException e) {
      // not in a pod: fall through
    }
    return "default";
  }
}
