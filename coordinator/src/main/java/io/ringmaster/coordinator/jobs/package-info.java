/** Jobs on the coordinator: admission, validation, and the per-job driver of the state machine. */
package io.ringmaster.coordinator.jobs;
