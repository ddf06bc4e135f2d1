package io.ringmaster.job.security;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CA certificates peers must chain to, read from a PEM bundle and read again by {@link
 * #reloadIfChanged()} when its content changed (add the new CA to the bundle before rotating to it, remove
 * the old one after). Checks are the JDK's PKIX checks, including the host name of a server when the
 * TLS engine asks for it (gRPC clients do: the name or IP they dial must be in the server certificate's
 * subject alternative names).
 */
public final class ReloadingTrustManager extends X509ExtendedTrustManager {
  private final Path bundle;
  private volatile Loaded current;

  private record Loaded(X509ExtendedTrustManager delegate, byte[] digest) {}

  public ReloadingTrustManager(Path bundle) throws IOException {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.current = load(ReloadingKeyManager.digest(bundle));
  }

  /**
   * Reads the bundle again if its content changed.
   *
   * @return true if a new bundle is now in use
   * @throws IOException if it changed but cannot be used (the old bundle stays)
   */
  public synchronized boolean reloadIfChanged() throws IOException {
    byte[] digest = ReloadingKeyManager.digest(bundle);
    if (MessageDigest.isEqual(digest, current.digest())) {
      return false;
    }
    current = load(digest);
    return true;
  }

  private Loaded load(byte[] digest) throws IOException {
    List<X509Certificate> cas = PemFiles.certificates(bundle);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (var tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return new Loaded(x, digest);
        }
      }
      throw new IOException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the certificates of " + bundle + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    current.delegate().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    current.delegate().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    current.delegate().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    current.delegate().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.delegate().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.delegate().checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current.delegate().getAcceptedIssuers();
  }
}
