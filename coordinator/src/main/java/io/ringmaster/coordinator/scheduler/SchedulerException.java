package io.ringmaster.coordinator.scheduler;

import io.ringmaster.proto.v1.FailureReason;

/** Workers could not be started. {@link #reason()} is a stable code. */
public final class SchedulerException extends Exception {
  private static final long serialVersionUID = 1L;
  private final FailureReason reason;

  public SchedulerException(FailureReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public FailureReason reason() {
    return reason;
  }
}
