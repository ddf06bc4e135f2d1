/**
 * Worker authentication on the coordinator (issue 10). A worker proves it was started for a job before
 * the coordinator gives it a rank, a spec, data or parameters:
 * <ol>
 *   <li>{@link io.ringmaster.coordinator.security.WorkerCredentialsInterceptor} reads what the caller
 *       presented on the {@code WorkerControl.Attach} call: the job secret header and the verified client
 *       certificate of its TLS connection;</li>
 *   <li>{@link io.ringmaster.coordinator.security.WorkerAuthenticator} decides at the worker's {@code Hello}
 *       (the first message, before anything is sent to it but a refusal): a job secret must be the secret of
 *       the job the worker names; without one, a certificate signed by the coordinator's trust bundle
 *       identifies a hand-started worker; without either only a plaintext coordinator (loopback or
 *       {@code --insecure}) admits a free worker. A refusal ends the stream with UNAUTHENTICATED (nothing
 *       presented) or PERMISSION_DENIED (a secret of another job), and the job never hears of it;</li>
 *   <li>{@link io.ringmaster.coordinator.security.RingTokenStamper} adds the ring token of (job, generation)
 *       to every {@code Assign} at the last moment before it is sent, so the job's state machine stays free
 *       of secrets and only the ring's members learn the token their peers must present.</li>
 * </ol>
 */
package io.ringmaster.coordinator.security;
