package io.ringmaster.job.security;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority (what {@code ringmaster certs} makes): an ECDSA P-256 CA and
 * certificates it signs for a set of host names and IP addresses, each usable as a server and as a client
 * certificate (every component is both in mutual TLS). Not for production: a real deployment takes its
 * certificates from its own CA or cert-manager. Times come from an injected clock.
 */
public final class DevCertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;

  private DevCertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /** A certificate and its key, signed by {@link #ca()}. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {
    /**
     * Writes {@code NAME.pem} (certificate), {@code NAME-key.pem} (key, mode 0600) into {@code dir},
     * replacing files of those names atomically (a reloading process never reads half a file).
     *
     * @return the certificate file
     */
    public Path write(Path dir, String name) throws IOException {
      Files.createDirectories(dir);
      writeAtomically(dir.resolve(name + "-key.pem"), pem(key), true);
      Path cert = dir.resolve(name + ".pem");
      writeAtomically(cert, pem(certificate), false);
      return cert;
    }
  }

  /** A new CA named {@code commonName}, valid for {@code validity} from now. */
  public static DevCertificateAuthority create(String commonName, Duration validity, Clock clock) {
    KeyPair pair = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName + ",O=Ringmaster development CA");
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(validity)), name, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new DevCertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate(), clock);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a CA certificate: " + e.getMessage(), e);
    }
  }

  /** The CA written earlier by {@link #write(Path)} in {@code dir} ({@code ca.pem}, {@code ca-key.pem}). */
  public static DevCertificateAuthority load(Path dir, Clock clock) throws IOException {
    return new DevCertificateAuthority(PemFiles.certificates(dir.resolve("ca.pem")).get(0),
        PemFiles.privateKey(dir.resolve("ca-key.pem")), clock);
  }

  public X509Certificate ca() {
    return certificate;
  }

  /**
   * Writes {@code ca.pem} and {@code ca-key.pem} (mode 0600) into {@code dir}.
   *
   * @return the CA certificate file (the trust bundle to give every component)
   */
  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    writeAtomically(dir.resolve("ca-key.pem"), pem(key), true);
    Path ca = dir.resolve("ca.pem");
    writeAtomically(ca, pem(certificate), false);
    return ca;
  }

  /**
   * A certificate for {@code commonName} naming every entry of {@code hosts} (IP literals as IP
   * addresses, anything else as DNS names) as subject alternative names, for server and client use.
   */
  public Issued issue(String commonName, List<String> hosts, Duration validity) {
    Objects.requireNonNull(commonName, "commonName");
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("give at least one host name or IP address: clients check that the"
          + " name they dial is in the certificate");
    }
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      String host = h.trim();
      if (host.isEmpty()) {
        throw new IllegalArgumentException("an empty host name");
      }
      names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)),
          new X500Name("CN=" + commonName + ",O=Ringmaster"), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new Issued(sign(b, key), pair.getPrivate(), certificate);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + hosts + ": " + e.getMessage(), e);
    }
  }

  static boolean isIpLiteral(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+") || !(host.contains(".") || host.contains(":"))) {
      return false;
    }
    try {
      InetAddress.getByName(host); // a literal: no lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    try {
      ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(s));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make P-256 keys: " + e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  /** PEM text of a certificate, or of a private key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
  public static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (o instanceof PrivateKey key) {
        w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
      } else {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** {@link OwnerOnlyFiles#writeAtomically}. */
  static void writeAtomically(Path file, String text, boolean secret) throws IOException {
    OwnerOnlyFiles.writeAtomically(file, text, secret);
  }
}
