package io.ringmaster.job.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Which certificate a TLS server presents: for tests of TLS set-up and rotation. */
public final class PresentedCertificate {
  private PresentedCertificate() {}

  /**
   * Calls Health.Check over {@code channel} (a new connection if the channel has none) and returns the serial
   * number of the certificate the server presented; fails unless the server answers SERVING.
   */
  public static BigInteger serialOf(Channel channel) {
    AtomicReference<BigInteger> serial = new AtomicReference<>();
    ClientInterceptor seeCertificate = new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> m, CallOptions o, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(m, o)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            ClientCall<Q, R> call = delegate();
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onHeaders(Metadata h) {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                try {
                  serial.set(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber());
                } catch (SSLPeerUnverifiedException e) {
                  throw new AssertionError(e);
                }
                super.onHeaders(h);
              }
            }, headers);
          }
        };
      }
    };
    HealthCheckResponse r = HealthGrpc.newBlockingStub(ClientInterceptors.intercept(channel, seeCertificate))
        .withDeadlineAfter(20, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
    if (r.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
      throw new AssertionError("the server answered " + r.getStatus() + ", not SERVING");
    }
    return serial.get();
  }
}
