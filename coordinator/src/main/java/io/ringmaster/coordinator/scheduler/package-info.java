/**
 * Schedulers that obtain worker processes for jobs: local processes, workers started by hand, and (in the
 * {@code kubernetes} module, given to {@code CoordinatorServer.Builder.scheduler(WorkerScheduler)}) worker
 * pods. A launching scheduler may hold a queued job back ({@code WorkerScheduler.admit}: gang admission) and
 * may give up on a gang it cannot place ({@code GangReleaseListener}: the job goes back to QUEUED).
 */
package io.ringmaster.coordinator.scheduler;
