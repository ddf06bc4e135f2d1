package io.ringmaster.job.security;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * This process's certificate and key, read from PEM files and read again by {@link #reloadIfChanged()}
 * when either file's content changed. Every handshake asks the current delegate, so a reload applies to
 * the next connection; connections already open are not disturbed. A reload that fails (a half-written
 * file, a key that does not match the certificate) keeps the previous identity and says why.
 *
 * <p>The alias changes with every reload ({@code ringmaster-1}, {@code ringmaster-2}, ...), so a TLS
 * engine that caches key material by alias cannot keep serving the old certificate.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private final Path certFile;
  private final Path keyFile;
  private volatile Loaded current;
  private int generation;

  private record Loaded(X509ExtendedKeyManager delegate, byte[] digest, X509Certificate leaf) {}

  /** Reads both files now; fails if they are unreadable or do not match. */
  public ReloadingKeyManager(Path certFile, Path keyFile) throws IOException {
    this.certFile = Objects.requireNonNull(certFile, "certFile");
    this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    this.current = load(digest(certFile, keyFile));
  }

  /**
   * Reads the files again if their content differs from what is loaded.
   *
   * @return true if a new certificate is now in use
   * @throws IOException if the files changed but cannot be used (the old identity stays)
   */
  public synchronized boolean reloadIfChanged() throws IOException {
    byte[] digest = digest(certFile, keyFile);
    if (MessageDigest.isEqual(digest, current.digest())) {
      return false;
    }
    current = load(digest);
    return true;
  }

  /** The certificate presented now. */
  public X509Certificate certificate() {
    return current.leaf();
  }

  private Loaded load(byte[] digest) throws IOException {
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new IOException(keyFile + " is not the private key of the certificate in " + certFile
          + " (during a rotation, write the key and the certificate, then both are read again)");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("ringmaster-" + (++generation), key, password, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      for (var km : factory.getKeyManagers()) {
        if (km instanceof X509ExtendedKeyManager x) {
          return new Loaded(x, digest, chain.get(0));
        }
      }
      throw new IOException("the JDK offers no X509ExtendedKeyManager");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + certFile + " with " + keyFile + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code key} signs what {@code certified} verifies. */
  static boolean matches(PrivateKey key, java.security.PublicKey certified) {
    if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // an unusual key type: the handshake will tell
    }
    try {
      byte[] probe = "ringmaster key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature signer = java.security.Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static byte[] digest(Path... files) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path f : files) {
        sha.update(Files.readAllBytes(f));
        sha.update((byte) 0);
      }
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return current.delegate().getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return current.delegate().chooseClientAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return current.delegate().chooseEngineClientAlias(keyType, issuers, engine);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return current.delegate().getServerAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current.delegate().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current.delegate().chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return current.delegate().getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current.delegate().getPrivateKey(alias);
  }
}
