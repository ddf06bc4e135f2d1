/**
 * The coordinator's public gRPC API: {@code ringmaster.v1.JobService} ({@link
 * io.ringmaster.coordinator.api.JobServiceImpl}) and {@code ringmaster.v1.AuditService} ({@link
 * io.ringmaster.coordinator.api.AuditServiceImpl}, the audit trail a page at a time). Listings page with
 * opaque AIP-158 tokens that hold a position in the listing's order (never an offset) and the filters they
 * were issued for ({@code PageToken}, {@code AuditPageToken}).
 */
package io.ringmaster.coordinator.api;
