package io.ringmaster.coordinator.datasets;

import io.grpc.Status;

/** The gRPC status of a refused dataset request. */
final class DatasetStatus {
  private DatasetStatus() {}

  static Status of(DatasetStoreException e) {
    Status s = switch (e.kind()) {
      case INVALID -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case TOO_LARGE, LIMIT -> Status.RESOURCE_EXHAUSTED;
      case WRONG_OFFSET, IN_USE -> Status.FAILED_PRECONDITION;
      case CORRUPT -> Status.DATA_LOSS;
    };
    return s.withDescription(e.getMessage());
  }
}
