package io.ringmaster.coordinator.jobs;

/**
 * One attachment of a worker to a job, as the {@link JobLifecycle} sees it: what the worker said about
 * itself, without its stream. The {@link JobDriver} maps each attached session to one ref and back, so
 * the state machine can name workers in its actions without doing any I/O.
 *
 * @param attachment numbers the driver's attachments, so that a worker that attaches again (a new
 *     session under the same worker id) is a different ref
 * @param slot the scheduler's index of the worker, or -1 for a worker started by hand
 * @param logPath the worker's log file, or empty
 * @param devices the ND4J backend and GPUs the worker reported in its Hello (shown in its status)
 */
record WorkerRef(long attachment, String workerId, String host, int port, long pid, int slot, String logPath,
    io.ringmaster.proto.v1.ComputeDevices devices) {

  /** A worker that reported no devices. */
  WorkerRef(long attachment, String workerId, String host, int port, long pid, int slot, String logPath) {
    this(attachment, workerId, host, port, pid, slot, logPath, io.ringmaster.proto.v1.ComputeDevices.getDefaultInstance());
  }

  /** "pid 4242 at 127.0.0.1:41234": how messages name a worker. */
  String describe() {
    return "pid " + pid + " at " + host + ":" + port;
  }
}
