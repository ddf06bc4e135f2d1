package io.ringmaster.coordinator.security;

import io.grpc.Context;
import java.security.cert.X509Certificate;

/**
 * What a caller of {@code WorkerControl.Attach} presented: the job secret from the call's metadata (empty
 * if none) and the client certificate its TLS connection verified (null if none). Never logged.
 */
public record WorkerCallCredentials(String jobSecret, X509Certificate clientCertificate) {
  /** Where {@link WorkerCredentialsInterceptor} leaves them for the service. */
  public static final Context.Key<WorkerCallCredentials> KEY = Context.key("ringmaster-worker-credentials");

  /** Nothing presented (a call that did not pass the interceptor). */
  public static final WorkerCallCredentials NONE = new WorkerCallCredentials("", null);

  public WorkerCallCredentials {
    jobSecret = jobSecret == null ? "" : jobSecret;
  }

  /** The credentials of the current call, or {@link #NONE}. */
  public static WorkerCallCredentials current() {
    WorkerCallCredentials c = KEY.get();
    return c == null ? NONE : c;
  }

  @Override
  public String toString() {
    return "WorkerCallCredentials[secret " + (jobSecret.isEmpty() ? "none" : "given") + ", certificate "
        + (clientCertificate == null ? "none" : clientCertificate.getSubjectX500Principal().getName()) + "]";
  }
}
