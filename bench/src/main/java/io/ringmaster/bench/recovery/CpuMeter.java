package io.ringmaster.bench.recovery;

import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time a job's training used: the CPU of its worker processes and of this JVM (the coordinator, which
 * receives and writes the checkpoints) from the start of epoch 1 (the first {@code PROGRESS} event, sent with
 * {@code RunEpoch}) to the end of the last epoch (its {@code EPOCH_FINISHED} event, before the model is
 * saved). JVM start-up and data loading are left out; evaluation is in. Unlike wall time it hardly moves
 * when other processes compete for the cores, so it shows the cost of checkpoints on a shared machine.
 * NaN when a worker process was gone at the end (a disturbed run).
 */
final class CpuMeter implements JobWatch.Listener {
  private final int lastEpoch;
  private volatile long[] pids;
  private volatile double startS = Double.NaN;
  private volatile double endS = Double.NaN;

  CpuMeter(int lastEpoch) {
    this.lastEpoch = lastEpoch;
  }

  @Override
  public void onEvent(JobEvent e) {
    if (pids == null && e.getKind() == JobEvent.Kind.PROGRESS && e.getJob().getState() == JobState.JOB_STATE_RUNNING
        && e.getJob().getProgress().getEpoch() == 1) {
      long[] ranks = e.getJob().getWorkersList().stream().filter(w -> w.getRank() >= 0)
          .mapToLong(WorkerStatus::getPid).filter(p -> p > 0).toArray();
      startS = cpuSeconds(ranks);
      pids = ranks;
    } else if (pids != null && e.getKind() == JobEvent.Kind.EPOCH_FINISHED && e.getEpoch().getEpoch() == lastEpoch) {
      endS = cpuSeconds(pids);
    }
  }

  /** CPU seconds of the workers and this JVM over the epochs; NaN if not measured. */
  double seconds() {
    return endS - startS;
  }

  private static double cpuSeconds(long[] pids) {
    double total = cpu(ProcessHandle.current());
    for (long pid : pids) {
      total += ProcessHandle.of(pid).map(CpuMeter::cpu).orElse(Double.NaN);
    }
    return total;
  }

  private static double cpu(ProcessHandle h) {
    Optional<Duration> d = h.info().totalCpuDuration();
    return d.map(x -> x.toNanos() / 1e9).orElse(Double.NaN);
  }
}
