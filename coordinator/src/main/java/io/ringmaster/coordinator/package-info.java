/** The Ringmaster coordinator: its gRPC server and configuration. */
package io.ringmaster.coordinator;
