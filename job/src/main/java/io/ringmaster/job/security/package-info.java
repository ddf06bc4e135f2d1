/**
 * Transport security shared by the coordinator, the workers and the clients (issue 10).
 *
 * <ul>
 *   <li>{@link io.ringmaster.job.security.TlsFiles}: where the PEM certificate chain, private key and trust
 *       bundle of one process are, and how often they are looked at again;</li>
 *   <li>{@link io.ringmaster.job.security.ReloadingKeyManager} and
 *       {@link io.ringmaster.job.security.ReloadingTrustManager}: key and trust managers that re-read those
 *       files when their content changes, so certificates rotate without a restart (handshakes after a
 *       reload use the new files; connections already open keep their session);</li>
 *   <li>{@link io.ringmaster.job.security.TransportSecurity}: plaintext or TLS for one process, owning the
 *       managers and their reload timer;</li>
 *   <li>{@link io.ringmaster.job.security.GrpcEndpoints}: the one place that builds every gRPC server and
 *       channel of the project (coordinator API and control plane, worker collective servers, ring and
 *       state-fetch channels, CLI channels) from a {@code TransportSecurity};</li>
 *   <li>{@link io.ringmaster.job.security.ExposureCheck}: the "secure by default" rule: anything that
 *       listens on, or dials, a non-loopback address without TLS refuses to start unless told
 *       {@code --insecure};</li>
 *   <li>{@link io.ringmaster.job.security.DevCertificateAuthority}: the development CA behind
 *       {@code ringmaster certs} (and the tests' certificates);</li>
 *   <li>{@link io.ringmaster.job.security.JobCredentials}: the per-job worker secret and the per-ring
 *       token, both HMACs under a coordinator key;</li>
 *   <li>{@link io.ringmaster.job.security.ClientToken} and {@link io.ringmaster.job.security.BearerToken}: a
 *       client's bearer token (from {@code RINGMASTER_TOKEN} or a private config file, never an argument)
 *       and the interceptor that sends it; shared by the CLI and the Spark application.</li>
 * </ul>
 */
package io.ringmaster.job.security;
