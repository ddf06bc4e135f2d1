package io.ringmaster.spark;

import io.grpc.stub.StreamObserver;
import io.ringmaster.coordinator.jobs.JobManager;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobState;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one job on the driver's embedded coordinator: logs each finished epoch ({@link EpochLines}) and
 * every notice, and completes {@link #end()} with the job once it is SUCCEEDED, FAILED or CANCELLED.
 */
final class JobWatch implements StreamObserver<JobEvent> {
  private static final Logger log = LoggerFactory.getLogger(JobWatch.class);

  private final int totalEpochs;
  private final CompletableFuture<Job> end = new CompletableFuture<>();

  private JobWatch(int totalEpochs) {
    this.totalEpochs = totalEpochs;
  }

  static JobWatch start(JobManager jobs, String jobId, int totalEpochs) {
    JobWatch w = new JobWatch(totalEpochs);
    if (!jobs.watch(jobId, w)) {
      throw new IllegalStateException("job " + jobId + " is not known to the driver's coordinator");
    }
    return w;
  }

  CompletableFuture<Job> end() {
    return end;
  }

  @Override
  public void onNext(JobEvent e) {
    switch (e.getKind()) {
      case EPOCH_FINISHED -> {
        log.info("{}", EpochLines.metrics(e.getEpoch(), totalEpochs));
        log.info("{}", EpochLines.counts(e.getEpoch(), totalEpochs));
      }
      case NOTICE -> log.warn("job {}: {}", e.getJob().getId(), e.getNotice());
      default -> { }
    }
    JobState s = e.getJob().getState();
    if (s == JobState.JOB_STATE_SUCCEEDED || s == JobState.JOB_STATE_FAILED || s == JobState.JOB_STATE_CANCELLED) {
      end.complete(e.getJob());
    }
  }

  @Override
  public void onError(Throwable t) {
    end.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    // the end arrives as a state change first
  }
}
