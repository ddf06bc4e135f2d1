/**
 * Who may call a coordinator's client API, and what is recorded about it.
 *
 * <p>The protocol: a client sends {@code authorization: Bearer TOKEN} with every call of {@code JobService}
 * and of {@code DatasetService} (except {@code DownloadFile} and {@code UploadModel}, which workers call and
 * which are authenticated as workers are: by their job's secret, checked by the worker guard in front of the
 * client interceptor, which refuses them if no guard did). The {@link io.ringmaster.coordinator.auth.ClientAuthInterceptor}
 * finds the token in the {@link io.ringmaster.coordinator.auth.TokenTable} (read from the coordinator's
 * tokens file by {@link io.ringmaster.coordinator.auth.TokensFile}; only SHA-256 hashes are kept, compared in
 * constant time), checks the token's {@link io.ringmaster.coordinator.auth.Role} against the method's
 * ({@link io.ringmaster.coordinator.auth.MethodPolicy}) and attaches the
 * {@link io.ringmaster.coordinator.auth.Caller} (token name, tenant, role, peer address) to the call. The
 * services read it with {@code Caller.current()} and keep each tenant to its own jobs; a service installed
 * without the interceptor fails every call (fail closed).
 *
 * <p>States of a call: no or malformed header, or unknown token: UNAUTHENTICATED; known token whose role is
 * too weak, or a client-service method the policy does not list: PERMISSION_DENIED; otherwise the call runs
 * as its caller. Without a token table (embedded {@code ringmaster run}, or {@code --client-auth none}) every
 * caller is {@link io.ringmaster.coordinator.auth.Caller#unauthenticated}, an admin.
 *
 * <p>The tokens come from a {@link io.ringmaster.coordinator.auth.TokenSource}: a fixed table, or the
 * {@link io.ringmaster.coordinator.auth.TokensFileWatcher}, which reads the tokens file again when it changed
 * and stopped changing (a broken or half-written file keeps the tokens in use), so that tokens are added and
 * revoked without a restart.
 *
 * <p>{@link io.ringmaster.coordinator.auth.AuditTrail} records submissions, cancellations and deletions, and
 * refused calls (with the method, the peer, a reason code and the caller's token name or, for an unknown
 * token, a {@code TokenFingerprint}), in the job store and the {@code ringmaster.audit} log; refusals are
 * bounded in rate ({@code RefusalRateLimit}) so that a flood cannot fill the disk.
 * {@link io.ringmaster.coordinator.auth.TenantQuota} bounds what one tenant uses. See docs/SECURITY.md.
 */
package io.ringmaster.coordinator.auth;
