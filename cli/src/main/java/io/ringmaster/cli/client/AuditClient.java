package io.ringmaster.cli.client;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.ringmaster.proto.v1.AuditEvent;
import io.ringmaster.proto.v1.AuditServiceGrpc;
import io.ringmaster.proto.v1.ListAuditEventsRequest;
import io.ringmaster.proto.v1.ListAuditEventsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads a coordinator's audit trail ({@code AuditService}) over a channel it does not own. */
public final class AuditClient {
  private final AuditServiceGrpc.AuditServiceBlockingStub stub;
  private final CoordinatorAddress address;

  public AuditClient(Channel channel, CoordinatorAddress address) {
    this.stub = AuditServiceGrpc.newBlockingStub(channel);
    this.address = address;
  }

  /**
   * At most {@code limit} records matching {@code filters} (its page fields are ignored), newest first:
   * follows ListAuditEvents' pages until the limit or the last page.
   */
  public List<AuditEvent> list(ListAuditEventsRequest filters, int limit) {
    List<AuditEvent> events = new ArrayList<>();
    ListAuditEventsRequest.Builder request = filters.toBuilder().clearPageToken();
    try {
      do {
        request.setPageSize(Math.min(1000, limit - events.size()));
        ListAuditEventsResponse page = stub.withDeadlineAfter(JobClient.CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .listAuditEvents(request.build());
        events.addAll(page.getEventsList().subList(0, Math.min(page.getEventsCount(), limit - events.size())));
        request.setPageToken(page.getNextPageToken());
      } while (!request.getPageToken().isEmpty() && events.size() < limit);
      return events;
    } catch (StatusRuntimeException e) {
      throw GrpcErrors.translate(e, address, null);
    }
  }
}
