package io.ringmaster.coordinator.security;

import io.grpc.Context;
import io.grpc.Status;
import io.ringmaster.job.spec.Echo;
import java.util.Objects;

/**
 * The job a worker's call was authenticated for by {@link WorkerCallGuard}: the call presented that job's
 * secret. Attached to the call's gRPC {@link Context}; the services read it with {@link #current()} and act
 * only on this job's checkpoints, data files and model ({@link #requireSame}).
 *
 * @param jobId the job named in the call's {@code ringmaster-job-id} metadata, whose secret the call carried
 */
public record AuthenticatedJob(String jobId) {
  static final Context.Key<AuthenticatedJob> KEY = Context.key("ringmaster-authenticated-job");

  public AuthenticatedJob {
    Objects.requireNonNull(jobId, "jobId");
  }

  /**
   * The job the current call was authenticated for.
   *
   * @throws io.grpc.StatusRuntimeException UNAUTHENTICATED when no {@link WorkerCallGuard} authenticated the
   *     call (the service was installed without it: fail closed, never serve)
   */
  public static AuthenticatedJob current() {
    AuthenticatedJob j = KEY.get();
    if (j == null) {
      throw Status.UNAUTHENTICATED.withDescription("no authenticated worker for this call: the coordinator's"
          + " worker services were installed without their authentication interceptor (a bug; report it)")
          .asRuntimeException();
    }
    return j;
  }

  /** Whether the current call was authenticated as a worker's (without throwing). */
  public static boolean present() {
    return KEY.get() != null;
  }

  /** {@code context} with this job as the authenticated one (the guard; tests). */
  public Context attach(Context context) {
    return context.withValue(KEY, this);
  }

  /**
   * Checks that a call authenticated for this job acts on this job.
   *
   * @param named the job the call's message names
   * @param what what the call does, for the message ("checkpoint upload")
   * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED when {@code named} is another job
   */
  public void requireSame(String named, String what) {
    if (!jobId.equals(named)) {
      throw Status.PERMISSION_DENIED.withDescription(what + " names job " + Echo.of(named) + ", but the call"
          + " carries the credentials of job " + Echo.of(jobId) + ": a worker acts only on the job it was started"
          + " for or assigned to").asRuntimeException();
    }
  }
}
