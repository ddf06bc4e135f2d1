package io.ringmaster.coordinator.api;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ringmaster.job.spec.Echo;

/**
 * Cuts every error description the coordinator sends to {@link Echo#MAX_DESCRIPTION_BYTES} as encoded in
 * the {@code grpc-message} trailer. The services already repeat client values only in short form; this is
 * the last line that keeps any message (a path, an id, an exception's text) from exceeding the 8 KiB of
 * metadata a client accepts, which some clients report as an HTTP/2 error and others as no reply at all.
 */
public final class StatusDescriptionCap implements ServerInterceptor {
  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        String d = status.getDescription();
        super.close(d == null ? status : status.withDescription(Echo.description(d)), trailers);
      }
    }, headers);
  }
}
