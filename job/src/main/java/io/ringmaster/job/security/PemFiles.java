package io.ringmaster.job.security;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads PEM certificates and private keys. Keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, what Helm's {@code genSignedCert} and cert-manager write by default) or
 * SEC1 ({@code BEGIN EC PRIVATE KEY}); encrypted keys are refused. Errors name the file and never quote
 * its content.
 */
public final class PemFiles {
  private PemFiles() {}

  /** Every certificate in {@code file}, in order (a chain: leaf first; a bundle: any order). */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    return certificates(Files.readAllBytes(file), file.toString());
  }

  static List<X509Certificate> certificates(byte[] pem, String where) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException | RuntimeException e) {
      throw new IOException(where + ": not a readable PEM certificate file (" + e.getClass().getSimpleName() + ")", e);
    }
    if (certs.isEmpty()) {
      throw new IOException(where + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
    }
    return certs;
  }

  /** The one private key in {@code file}. */
  public static PrivateKey privateKey(Path file) throws IOException {
    return privateKey(Files.readAllBytes(file), file.toString());
  }

  static PrivateKey privateKey(byte[] pem, String where) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o.getClass().getSimpleName().contains("Encrypted")) {
          throw new IOException(where + ": the private key is encrypted; give an unencrypted PEM key (file mode"
              + " 0600) instead");
        }
      }
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException(where + ": not a readable PEM private key (" + e.getClass().getSimpleName() + ")", e);
    }
    throw new IOException(where + ": no PEM private key (-----BEGIN ... PRIVATE KEY-----) in it");
  }
}
