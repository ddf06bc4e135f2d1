package io.ringmaster.job.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The TLS files of one process, all PEM: its certificate chain (leaf first), its private key (PKCS#8,
 * PKCS#1 or SEC1, unencrypted) and the trust bundle (the CA certificates it accepts peers from). Every
 * component presents its certificate and checks its peer's against the bundle (mutual TLS); a client
 * without a certificate of its own (the CLI) gives only the trust bundle.
 *
 * @param certChain this process's certificate chain; null for a client that presents none
 * @param privateKey the key of {@code certChain}; null exactly when {@code certChain} is null
 * @param trustBundle CA certificates that peers' certificates must chain to
 * @param reloadInterval how often the files are read again (a change is applied to new handshakes)
 */
public record TlsFiles(Path certChain, Path privateKey, Path trustBundle, Duration reloadInterval) {
  /** How often the files are looked at again unless told otherwise. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

  /** Environment variables the schedulers set for the workers they start (paths, never contents). */
  public static final String ENV_CERT = "RINGMASTER_TLS_CERT";
  public static final String ENV_KEY = "RINGMASTER_TLS_KEY";
  public static final String ENV_CA = "RINGMASTER_TLS_CA";

  public TlsFiles {
    Objects.requireNonNull(trustBundle, "trustBundle: the CA certificates (PEM) that peers must chain to");
    if ((certChain == null) != (privateKey == null)) {
      throw new IllegalArgumentException("give both a certificate chain and its private key, or neither (got "
          + (certChain == null ? "a key without a certificate" : "a certificate without a key") + ")");
    }
    reloadInterval = reloadInterval == null ? DEFAULT_RELOAD_INTERVAL : reloadInterval;
    if (reloadInterval.isNegative() || reloadInterval.isZero()) {
      throw new IllegalArgumentException("reloadInterval must be positive, got " + reloadInterval);
    }
  }

  /** A component's files (certificate, key, trust bundle), re-read every {@link #DEFAULT_RELOAD_INTERVAL}. */
  public static TlsFiles of(Path certChain, Path privateKey, Path trustBundle) {
    return new TlsFiles(certChain, privateKey, trustBundle, null);
  }

  /** A client that only checks the server's certificate against {@code trustBundle}. */
  public static TlsFiles trustOnly(Path trustBundle) {
    return new TlsFiles(null, null, trustBundle, null);
  }

  /** The same files, re-read every {@code interval}. */
  public TlsFiles withReloadInterval(Duration interval) {
    return new TlsFiles(certChain, privateKey, trustBundle, interval);
  }

  /** Whether this process presents a certificate of its own. */
  public boolean hasIdentity() {
    return certChain != null;
  }

  /**
   * The files named by {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca} style options: null when
   * none is given (plaintext), else checked to be complete and readable.
   *
   * @param flagPrefix how the options are spelled in messages, e.g. {@code "--tls-"}
   * @throws IllegalArgumentException naming every missing or unreadable file
   */
  public static TlsFiles fromOptions(Path cert, Path key, Path ca, boolean identityRequired, String flagPrefix) {
    if (cert == null && key == null && ca == null) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    if (ca == null) {
      problems.add(flagPrefix + "ca is missing: the CA bundle (PEM) that peers' certificates must chain to");
    }
    if (identityRequired && cert == null) {
      problems.add(flagPrefix + "cert is missing: this process's certificate chain (PEM)");
    }
    if ((cert == null) != (key == null)) {
      problems.add(cert == null ? flagPrefix + "key was given without " + flagPrefix + "cert"
          : flagPrefix + "cert was given without " + flagPrefix + "key (its private key, PEM)");
    }
    for (var f : new Object[][] {{"cert", cert}, {"key", key}, {"ca", ca}}) {
      Path p = (Path) f[1];
      if (p != null && !Files.isReadable(p)) {
        problems.add(flagPrefix + f[0] + " " + p + ": no such readable file");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems)
          + " (make development certificates with `ringmaster certs --out DIR --host NAME`)");
    }
    return new TlsFiles(cert, key, ca, null);
  }
}
