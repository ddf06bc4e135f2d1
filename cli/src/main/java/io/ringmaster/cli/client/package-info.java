/**
 * The gRPC client side of the CLI: coordinator addresses, channels, and {@link
 * io.ringmaster.cli.client.JobClient}, which calls the coordinator's {@code JobService} and turns gRPC
 * failures into {@link io.ringmaster.cli.client.CoordinatorCallException}s whose lines a user can act on.
 */
package io.ringmaster.cli.client;
