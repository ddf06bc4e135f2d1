package io.ringmaster.coordinator.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.ringmaster.job.security.GrpcEndpoints;
import io.ringmaster.job.security.JobCredentials;

/** Puts the {@link WorkerCallCredentials} of each call into its {@link Context}; decides nothing itself. */
public final class WorkerCredentialsInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> JOB_SECRET =
      Metadata.Key.of(JobCredentials.JOB_SECRET_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    WorkerCallCredentials presented = new WorkerCallCredentials(headers.get(JOB_SECRET),
        GrpcEndpoints.peerCertificate(call).orElse(null));
    return Contexts.interceptCall(Context.current().withValue(WorkerCallCredentials.KEY, presented), call, headers,
        next);
  }
}
