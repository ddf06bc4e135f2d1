package io.ringmaster.cli.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Turns a failed gRPC call into a {@link CoordinatorCallException} with messages a user can act on. */
public final class GrpcErrors {
  /** Violations joined on one line ("spec.a: x; spec.b: y") are split before the next field path. */
  private static final Pattern JOINED_VIOLATIONS = Pattern.compile(";\\s+(?=spec[\\w.\\[\\]]*:)");

  private GrpcErrors() {}

  /**
   * @param address the coordinator that was called
   * @param jobId the job the call was about, or null
   */
  public static CoordinatorCallException translate(StatusRuntimeException e, CoordinatorAddress address,
      String jobId) {
    Status status = e.getStatus();
    String description = status.getDescription() == null ? "" : status.getDescription().strip();
    List<String> lines = switch (status.getCode()) {
      case INVALID_ARGUMENT -> description.isEmpty()
          ? List.of("the coordinator at " + address + " rejected the request as invalid (no details given)")
          : splitViolations(description);
      case NOT_FOUND -> List.of(jobId == null
          ? "not found on coordinator " + address + ": " + description
          : "no job " + jobId + " on coordinator " + address);
      case UNAVAILABLE -> List.of("cannot reach the coordinator at " + address
          + ": is it running? (start one with ./ringmaster coordinator)");
      case DEADLINE_EXCEEDED -> List.of("the coordinator at " + address + " did not answer in time"
          + (description.isEmpty() ? "" : ": " + description) + "; it may be overloaded, try again");
      case RESOURCE_EXHAUSTED -> List.of("the coordinator at " + address + " cannot take this now: "
          + (description.isEmpty() ? "resources exhausted" : description));
      case FAILED_PRECONDITION -> List.of(description.isEmpty()
          ? "the coordinator at " + address + " cannot do this in the job's current state" : description);
      case CANCELLED -> List.of("the call to the coordinator at " + address + " was cancelled"
          + (description.isEmpty() ? "" : ": " + description));
      case UNAUTHENTICATED -> List.of("the coordinator at " + address + " did not accept this client: "
          + (description.isEmpty() ? "no or unknown token (set RINGMASTER_TOKEN)" : description));
      case PERMISSION_DENIED -> List.of("the coordinator at " + address + " does not allow this: "
          + (description.isEmpty() ? "the token's role is too weak" : description));
      case UNIMPLEMENTED -> List.of("the server at " + address
          + " does not offer the Ringmaster JobService: is it a Ringmaster coordinator of a compatible version?");
      default -> List.of("the coordinator at " + address + " failed (" + status.getCode() + ")"
          + (description.isEmpty() ? "" : ": " + description));
    };
    return new CoordinatorCallException(status.getCode(), lines, e);
  }

  /** One violation per line: splits on newlines and on "; " before a field path. */
  static List<String> splitViolations(String description) {
    List<String> out = new ArrayList<>();
    for (String line : description.split("\\R")) {
      for (String part : JOINED_VIOLATIONS.split(line)) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }
}
