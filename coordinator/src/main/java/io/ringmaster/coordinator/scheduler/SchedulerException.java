package io.ringmaster.coordinator.scheduler;

/** Workers could not be started. {@link #reason()} is a stable code. */
public final class SchedulerException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public SchedulerException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
