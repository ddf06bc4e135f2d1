package io.ringmaster.spark;

import io.ringmaster.job.security.TlsFiles;
import io.ringmaster.job.security.TransportSecurity;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.apache.spark.SparkFiles;

/**
 * How the Spark application's own channels are secured when the driver is the coordinator (spark-submit
 * without {@code --coordinator}, and the DL4J drop-in): the embedded coordinator, the workers' control channels
 * and the rings between the tasks' workers. Broadcast to the tasks in {@link TaskEndpoint}.
 *
 * <ul>
 *   <li><b>TLS</b> ({@code cert}, {@code key}, {@code ca} given): the coordinator on the driver serves with the
 *       certificate, the tasks' workers present the same certificate to the coordinator (mutual TLS) and to each
 *       other (ring channels require a client certificate), and check the coordinator's certificate against the
 *       CA and the driver's host name ({@code spark.driver.host}): the certificate must name it (ring peers
 *       check the chain only). Each file is read where the process runs: the path as given if it is readable
 *       there (a file system every node sees, a Kubernetes Secret mounted into driver and executor pods), else
 *       the file of that name that Spark distributed with {@code --files}/{@code spark.files} ({@code
 *       SparkFiles.get}).
 *   <li><b>Plaintext on purpose</b> ({@code insecure}): what the application did before it had TLS options;
 *       workers still prove the job's secret and rings their tokens.
 *   <li><b>Neither</b>: plaintext on loopback only, so local mode works and a cluster refuses to start
 *       (the coordinator would listen on a non-loopback address), saying how to choose.
 * </ul>
 *
 * @param cert the certificate chain (PEM) of the coordinator and the workers; null without TLS
 * @param key its private key (PEM, unencrypted); null without TLS
 * @param ca the CA bundle (PEM) the certificates chain to; null without TLS
 * @param insecure plaintext beyond loopback was asked for explicitly
 */
public record SparkTls(String cert, String key, String ca, boolean insecure) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** No TLS, plaintext on loopback only (local mode). */
  public static final SparkTls NONE = new SparkTls(null, null, null, false);

  /** Plaintext beyond loopback, explicitly. */
  public static final SparkTls INSECURE = new SparkTls(null, null, null, true);

  public SparkTls {
    if (insecure && (cert != null || key != null || ca != null)) {
      throw new IllegalArgumentException("TLS files and insecure (plaintext) exclude each other: give the"
          + " certificate, key and CA, or insecure, not both");
    }
    boolean any = cert != null || key != null || ca != null;
    if (any && (cert == null || key == null || ca == null)) {
      throw new IllegalArgumentException("TLS for the Spark application needs all three files: the certificate"
          + " chain, its private key and the CA bundle (missing: " + (cert == null ? "certificate " : "")
          + (key == null ? "key " : "") + (ca == null ? "CA" : "").trim() + "); make development ones with"
          + " `ringmaster certs --out DIR --host DRIVER-HOST`");
    }
  }

  /** Whether the channels use TLS. */
  public boolean isTls() {
    return cert != null;
  }

  /**
   * This process's transport security (driver or executor), the files resolved as the class documentation
   * says; plaintext without TLS. The caller closes it.
   *
   * @throws IllegalArgumentException naming each file that is neither readable as given nor distributed by
   *     Spark
   */
  public TransportSecurity open() {
    return open(SparkTls::distributed);
  }

  TransportSecurity open(UnaryOperator<String> distributed) {
    if (!isTls()) {
      return TransportSecurity.plaintext();
    }
    return TransportSecurity.of(TlsFiles.of(resolve(cert, "certificate", distributed),
        resolve(key, "private key", distributed), resolve(ca, "CA bundle", distributed)));
  }

  /** {@code path} if readable here, else the file Spark distributed under its name. */
  static Path resolve(String path, String what, UnaryOperator<String> distributed) {
    Path given = Path.of(path);
    if (Files.isReadable(given)) {
      return given;
    }
    String name = given.getFileName() == null ? path : given.getFileName().toString();
    String shipped = distributed.apply(name);
    if (shipped != null && Files.isReadable(Path.of(shipped))) {
      return Path.of(shipped);
    }
    throw new IllegalArgumentException("TLS " + what + " " + path + ": not readable on this host ("
        + hostName() + ") and not distributed by Spark (spark.files / --files " + name + "); put it on a path every"
        + " node can read (a mounted Secret) or ship it with --files");
  }

  /** Where Spark put a file distributed with {@code spark.files}; null outside a Spark application. */
  private static String distributed(String name) {
    try {
      return SparkFiles.get(name);
    } catch (RuntimeException e) {
      return null; // no SparkEnv yet
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown host";
    }
  }

  @Override
  public String toString() {
    return isTls() ? "TLS (certificate " + cert + ", CA " + ca + ")" : insecure ? "plaintext (insecure, explicitly)"
        : "plaintext on loopback only";
  }
}
