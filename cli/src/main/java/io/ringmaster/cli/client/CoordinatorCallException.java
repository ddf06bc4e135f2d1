package io.ringmaster.cli.client;

import io.grpc.Status;
import java.util.List;

/**
 * A call to the coordinator failed. {@link #lines()} say what went wrong in words a user can act on;
 * {@link #code()} is the gRPC status code, so callers can tell a rejected request ({@link
 * #isRejectedRequest()}) from a coordinator that is down or broken.
 */
public final class CoordinatorCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final List<String> lines;

  public CoordinatorCallException(Status.Code code, List<String> lines, Throwable cause) {
    super(String.join("\n", lines), cause);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a failed call needs at least one line of explanation");
    }
    this.code = code;
    this.lines = List.copyOf(lines);
  }

  public Status.Code code() {
    return code;
  }

  /** The lines to show the user, one message each. */
  public List<String> lines() {
    return lines;
  }

  /** True when the coordinator refused the request itself (INVALID_ARGUMENT): the user must change it. */
  public boolean isRejectedRequest() {
    return code == Status.Code.INVALID_ARGUMENT;
  }
}
