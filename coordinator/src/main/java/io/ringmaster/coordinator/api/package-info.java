/** The coordinator's public gRPC API: {@code ringmaster.v1.JobService}. */
package io.ringmaster.coordinator.api;
