/**
 * What workers compute on, in words: the ND4J backend and GPUs a worker reports when it attaches
 * ({@code Hello.devices}, a {@code ComputeDevices} message) and whether they satisfy a job's
 * {@code spec.resources.gpus}.
 *
 * <p>{@link io.ringmaster.job.devices.DeviceSummary} turns a report into one line for {@code status};
 * {@link io.ringmaster.job.devices.GpuCheck} decides, before a worker trains, whether the job's GPUs are
 * there and, when not, says what was found (never ND4J's raw loader error). Both are pure, so the
 * selection and its messages are tested without a GPU; the discovery itself (which loads ND4J) lives in
 * the worker ({@code io.ringmaster.worker.devices}).
 */
package io.ringmaster.job.devices;
