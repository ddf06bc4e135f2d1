package io.ringmaster.job.security;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one process secures its gRPC connections: plaintext, or TLS from {@link TlsFiles} with the files
 * re-read every {@link TlsFiles#reloadInterval()} (rotation without restart: new handshakes use the new
 * certificate, open connections keep theirs). One instance serves all of a process's servers and
 * channels; {@link GrpcEndpoints} turns it into gRPC credentials. Close it to stop the reload timer.
 */
public final class TransportSecurity implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransportSecurity.class);
  private static final TransportSecurity PLAINTEXT = new TransportSecurity(null, null, null, null, null, false);

  /** Whether a server asks its clients for certificates. */
  public enum ClientAuth {
    /** Every client must present a certificate that chains to the trust bundle (worker servers). */
    REQUIRE,
    /**
     * A client may present one, and it is checked if it does (the coordinator: workers present theirs,
     * CLI clients authenticate otherwise).
     */
    OPTIONAL
  }

  private final TlsFiles files;
  private final ReloadingKeyManager keys;
  private final ReloadingTrustManager trust;
  private final ScheduledExecutorService timer;
  private final ScheduledFuture<?> reloads;
  private final boolean ownsTimer;

  private TransportSecurity(TlsFiles files, ReloadingKeyManager keys, ReloadingTrustManager trust,
      ScheduledExecutorService timer, ScheduledFuture<?> reloads, boolean ownsTimer) {
    this.files = files;
    this.keys = keys;
    this.trust = trust;
    this.timer = timer;
    this.reloads = reloads;
    this.ownsTimer = ownsTimer;
  }

  /** No encryption, no certificates: only for loopback, or where the operator said {@code --insecure}. */
  public static TransportSecurity plaintext() {
    return PLAINTEXT;
  }

  /** TLS from {@code files}, or plaintext when {@code files} is null; reloads on a daemon thread of its own. */
  public static TransportSecurity of(TlsFiles files) {
    if (files == null) {
      return PLAINTEXT;
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ringmaster-tls-reload");
      t.setDaemon(true);
      return t;
    });
    try {
      return tls(files, timer, true);
    } catch (RuntimeException e) {
      timer.shutdownNow();
      throw e;
    }
  }

  /**
   * TLS from {@code files}, reloaded on {@code timer} (owned by the caller).
   *
   * @throws UncheckedIOException if a file cannot be read or used, naming it
   */
  public static TransportSecurity tls(TlsFiles files, ScheduledExecutorService timer) {
    return tls(files, timer, false);
  }

  private static TransportSecurity tls(TlsFiles files, ScheduledExecutorService timer, boolean ownsTimer) {
    Objects.requireNonNull(files, "files");
    try {
      ReloadingKeyManager keys = files.hasIdentity()
          ? new ReloadingKeyManager(files.certChain(), files.privateKey()) : null;
      ReloadingTrustManager trust = new ReloadingTrustManager(files.trustBundle());
      long every = files.reloadInterval().toMillis();
      TransportSecurity[] self = new TransportSecurity[1];
      ScheduledFuture<?> reloads = timer.scheduleWithFixedDelay(() -> self[0].reloadQuietly(), every, every,
          TimeUnit.MILLISECONDS);
      self[0] = new TransportSecurity(files, keys, trust, timer, reloads, ownsTimer);
      return self[0];
    } catch (IOException e) {
      throw new UncheckedIOException("TLS: " + e.getMessage(), e);
    }
  }

  /** Whether connections are encrypted. */
  public boolean isTls() {
    return files != null;
  }

  /** Whether this process presents a certificate (mutual TLS). */
  public boolean hasIdentity() {
    return keys != null;
  }

  /** The files in use; null for plaintext. */
  public TlsFiles files() {
    return files;
  }

  /** The certificate this process presents now; null without one. */
  public java.security.cert.X509Certificate certificate() {
    return keys == null ? null : keys.certificate();
  }

  /**
   * Reads the files again now if they changed (the timer does this every reload interval).
   *
   * @return true if a new certificate or trust bundle is in use
   * @throws IOException if a changed file cannot be used (the previous one stays in use)
   */
  public boolean reloadNow() throws IOException {
    if (files == null) {
      return false;
    }
    boolean key = keys != null && keys.reloadIfChanged();
    boolean ca = trust.reloadIfChanged();
    if (key || ca) {
      log.info("TLS: reloaded {}{} (new connections use it)", key ? "certificate " + files.certChain() : "",
          ca ? (key ? " and " : "") + "trust bundle " + files.trustBundle() : "");
    }
    return key || ca;
  }

  private void reloadQuietly() {
    try {
      reloadNow();
    } catch (IOException | RuntimeException e) {
      log.warn("TLS: the certificate files changed but cannot be used, keeping the previous ones (checked again"
          + " in {}): {}", files.reloadInterval(), e.getMessage());
    }
  }

  /** Credentials for a server; plaintext if this is. */
  public ServerCredentials serverCredentials(ClientAuth clientAuth) {
    if (files == null) {
      return InsecureServerCredentials.create();
    }
    if (keys == null) {
      throw new IllegalStateException("a TLS server needs a certificate and key (" + TlsFiles.ENV_CERT + "/"
          + TlsFiles.ENV_KEY + " or --tls-cert/--tls-key)");
    }
    return TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(trust)
        .clientAuth(clientAuth == ClientAuth.REQUIRE ? TlsServerCredentials.ClientAuth.REQUIRE
            : TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /** Credentials for a channel: the server's certificate and host name are checked; ours is presented if any. */
  public ChannelCredentials channelCredentials() {
    if (files == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(trust);
    if (keys != null) {
      b.keyManager(keys);
    }
    return b.build();
  }

  /**
   * Credentials for a channel to a ring peer: the peer's certificate must chain to the trust bundle, but
   * its host name is not checked. Workers of a cluster share certificates that cannot name every pod's IP;
   * a peer proves it belongs to this ring with the ring's token ({@code RingAdmission}), which only the
   * coordinator hands out, over a connection whose host name was checked.
   */
  public ChannelCredentials peerChannelCredentials() {
    if (files == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(new ChainOnlyTrustManager(trust));
    if (keys != null) {
      b.keyManager(keys);
    }
    return b.build();
  }

  /** Checks the chain of a server's certificate but not its names (see {@link #peerChannelCredentials()}). */
  private static final class ChainOnlyTrustManager extends javax.net.ssl.X509ExtendedTrustManager {
    private final ReloadingTrustManager trust;

    ChainOnlyTrustManager(ReloadingTrustManager trust) {
      this.trust = trust;
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket s)
        throws java.security.cert.CertificateException {
      trust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket s)
        throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
        javax.net.ssl.SSLEngine e) throws java.security.cert.CertificateException {
      trust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
        javax.net.ssl.SSLEngine e) throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      trust.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      trust.checkServerTrusted(chain, authType);
    }

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return trust.getAcceptedIssuers();
    }
  }

  @Override
  public void close() {
    if (reloads != null) {
      reloads.cancel(false);
    }
    if (ownsTimer) {
      timer.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return files == null ? "plaintext"
        : "TLS (" + (keys != null ? "certificate " + files.certChain() + ", " : "no client certificate, ")
            + "trust " + files.trustBundle() + ", reloaded every " + files.reloadInterval() + ")";
  }
}
