package io.ringmaster.coordinator.checkpoint;

import io.ringmaster.proto.v1.CheckpointRef;
import java.util.Objects;

/**
 * What the job layer tells {@link CheckpointService} about uploads: whether a job takes checkpoints now,
 * and that one was stored (the job driver then records it as the job's latest checkpoint). Called from
 * gRPC threads; implementations must be thread-safe.
 */
public interface CheckpointSink {
  /** Whether checkpoints of {@code jobId} are accepted now; asked at the upload's header and again before storing. */
  Admission admit(String jobId);

  /** A checkpoint was stored durably and its reference recorded in the job store. */
  void stored(CheckpointRef ref);

  /**
   * An answer of {@link #admit}.
   *
   * @param verdict accepted, unknown job (NOT_FOUND) or refused (FAILED_PRECONDITION)
   * @param detail why it was refused, for the client (e.g. "job x is SUCCEEDED")
   */
  record Admission(Verdict verdict, String detail) {
    public Admission {
      Objects.requireNonNull(verdict);
      Objects.requireNonNull(detail);
    }

    /** The possible answers. */
    public enum Verdict { ACCEPT, UNKNOWN_JOB, REFUSE }

    private static final Admission ACCEPTED = new Admission(Verdict.ACCEPT, "");

    public static Admission accept() {
      return ACCEPTED;
    }

    public static Admission unknownJob() {
      return new Admission(Verdict.UNKNOWN_JOB, "");
    }

    /** Refused; {@code why} says why (e.g. "job x is SUCCEEDED and takes no more checkpoints"). */
    public static Admission refuse(String why) {
      return new Admission(Verdict.REFUSE, why);
    }
  }
}
