package io.ringmaster.job.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The coordinator's worker credentials, all derived from one random key it keeps (mode 0600) in its
 * data directory, so they survive a coordinator restart (workers and pods it adopts keep theirs):
 * <ul>
 *   <li>the <b>job secret</b> {@code HMAC(key, "job/" + jobId)}: handed by the scheduler to the worker
 *       processes and pods it starts for that job (an environment variable, never an argument that
 *       {@code ps} shows), and by the coordinator in the {@code Assign} that binds any worker to the job;
 *       workers send it in the {@value #JOB_SECRET_HEADER} header (with {@value #JOB_ID_HEADER}) of every call
 *       to the coordinator; it proves "started for this job" before the worker gets a rank, a spec, data or
 *       parameters, and scopes every checkpoint, data and model call to that job;</li>
 *   <li>the <b>ring token</b> {@code HMAC(key, "ring/" + jobId + "/" + generation)}: sent to each member in
 *       its {@code Assign} and presented by ring peers in the {@value #RING_TOKEN_HEADER} header; a member
 *       accepts a collective or state-fetch call only with the token of a ring it belongs to.</li>
 * </ul>
 * Secrets are hex strings; compare them with {@link #same(String, String)} (constant time) and never log
 * them.
 */
public final class JobCredentials {
  /** Call metadata carrying the job secret, worker to coordinator. */
  public static final String JOB_SECRET_HEADER = "ringmaster-job-secret";
  /**
   * Call metadata naming the job a worker's call to the coordinator is for (sent with the job secret on
   * every call; the coordinator checks the secret against this job before the call reads anything).
   */
  public static final String JOB_ID_HEADER = "ringmaster-job-id";
  /** Call metadata naming the ring (job id), worker to worker. */
  public static final String RING_JOB_HEADER = "ringmaster-ring-job";
  /** Call metadata naming the ring's generation, worker to worker. */
  public static final String RING_GENERATION_HEADER = "ringmaster-ring-generation";
  /** Call metadata carrying the ring token, worker to worker. */
  public static final String RING_TOKEN_HEADER = "ringmaster-ring-token";
  /** Environment variable in which schedulers hand the job secret to the workers they start. */
  public static final String ENV_JOB_SECRET = "RINGMASTER_JOB_SECRET";
  /** File name of the key in the coordinator's data directory. */
  public static final String KEY_FILE = "worker-auth.key";

  private final byte[] key;

  private JobCredentials(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("the worker authentication key must have at least 32 bytes");
    }
    this.key = key.clone();
  }

  /** Credentials under {@code key} (tests; production reads or makes the key file). */
  public static JobCredentials withKey(byte[] key) {
    return new JobCredentials(key);
  }

  /** Credentials under a new random key, kept in memory only (an embedded, throwaway coordinator). */
  public static JobCredentials random() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new JobCredentials(k);
  }

  /** The key in {@code dataDir}/{@value #KEY_FILE}, made (mode 0600) if missing. */
  public static JobCredentials inDirectory(Path dataDir) throws IOException {
    Path file = dataDir.resolve(KEY_FILE);
    if (!Files.exists(file)) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      Files.createDirectories(dataDir);
      OwnerOnlyFiles.writeAtomically(file, HexFormat.of().formatHex(k) + "\n", true);
    }
    String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      return new JobCredentials(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not a hex key of at least 32 bytes; delete it to make a new one (running"
          + " workers then must be restarted)", e);
    }
  }

  /** The secret of the workers started for {@code jobId}. */
  public String jobSecret(String jobId) {
    return hmac("job/" + jobId);
  }

  /** The token of ring (jobId, generation). */
  public String ringToken(String jobId, long generation) {
    return hmac("ring/" + jobId + "/" + generation);
  }

  /** Whether {@code presented} is the secret of {@code jobId}. */
  public boolean isJobSecret(String jobId, String presented) {
    return same(jobSecret(jobId), presented);
  }

  /** Constant-time equality of two secrets; false if either is null or empty. */
  public static boolean same(String expected, String presented) {
    if (expected == null || presented == null || expected.isEmpty() || presented.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private String hmac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "JobCredentials[key hidden]";
  }
}
