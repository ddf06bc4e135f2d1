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
 *   <li>{@link io.ringmaster.coordinator.security.AssignCredentialsStamper} adds the ring token of (job,
 *       generation) and the job's secret to every {@code Assign} at the last moment before it is sent, so the
 *       job's state machine stays free of secrets, only the ring's members learn the token their peers must
 *       present, and every worker bound to a job (also one admitted by its certificate, or a free one) holds
 *       that job's secret;</li>
 *   <li>{@link io.ringmaster.coordinator.security.WorkerCallGuard} checks every other call a worker makes
 *       (checkpoint upload and download, data file download, model upload) when it starts, before any message
 *       is read: it must name its job ({@code ringmaster-job-id}) and carry that job's secret, else
 *       UNAUTHENTICATED (nothing) or PERMISSION_DENIED (another job's secret). The admitted call runs with its
 *       {@link io.ringmaster.coordinator.security.AuthenticatedJob}, and the services act on that job only
 *       (another job named in the message: PERMISSION_DENIED; a data file not of that job: NOT_FOUND). A client
 *       certificate admits a worker at Hello but is no credential for a job's data: workers may share one.</li>
 * </ol>
 */
package io.ringmaster.coordinator.security;
