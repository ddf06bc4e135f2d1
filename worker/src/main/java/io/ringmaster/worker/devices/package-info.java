/**
 * How a worker finds what it computes on. {@link io.ringmaster.worker.devices.DeviceDiscovery} is the
 * seam: {@link io.ringmaster.worker.devices.Nd4jDeviceDiscovery} asks ND4J (loading its backend) once per
 * process, including the native build it loaded ({@link io.ringmaster.worker.devices.Nd4jNativeBuild}, which
 * the coordinator uses so that a ring never mixes builds); tests give the worker made-up devices. The worker reports the result in its Hello
 * ({@code Hello.devices}) and, on an Assign whose job asks for GPUs, refuses with
 * {@code FAILURE_REASON_GPU_UNAVAILABLE} and {@code io.ringmaster.job.devices.GpuCheck}'s message when they
 * are not there, before building anything.
 */
package io.ringmaster.worker.devices;
