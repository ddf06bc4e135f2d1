/** Schedulers that obtain worker processes for jobs: local processes now, Kubernetes and Spark later. */
package io.ringmaster.coordinator.scheduler;
