/** The coordinator's side of the worker control plane: attached workers and their streams. */
package io.ringmaster.coordinator.workers;
