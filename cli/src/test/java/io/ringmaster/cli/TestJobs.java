package io.ringmaster.cli;

import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.DataSpec;
import io.ringmaster.proto.v1.DatasetRef;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobEvent;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ModelSpec;
import io.ringmaster.proto.v1.Progress;
import io.ringmaster.proto.v1.UpdaterSpec;
import io.ringmaster.proto.v1.WorkerState;
import io.ringmaster.proto.v1.WorkerStatus;
import java.util.ArrayList;
import java.util.List;

/** Jobs, epochs and event scripts for the tests. */
public final class TestJobs {
  /** 2025-01-02 03:04:05 UTC. */
  public static final long T0 = 1_735_787_045_000L;

  private TestJobs() {}

  public static JobSpec spec(int workers, int epochs) {
    return JobSpec.newBuilder()
        .setName("fashion-mlp")
        .setModel(ModelSpec.newBuilder().setBuiltin(BuiltinModel.newBuilder()
            .setArchitecture("mlp").addHidden(256).addHidden(128).setActivation("relu")))
        .setData(DataSpec.newBuilder()
            .setTrain(DatasetRef.newBuilder().setPath("/data/train-images.gz").setLabelsPath("/data/train-labels.gz"))
            .setTest(DatasetRef.newBuilder().setPath("/data/test-images.gz").setLabelsPath("/data/test-labels.gz")))
        .setEpochs(epochs)
        .setBatchSize(128)
        .setUpdater(UpdaterSpec.newBuilder().setType("adam").setLearningRate(0.001))
        .setSeed(42)
        .setWorkers(workers)
        .build();
  }

  /** Epoch {@code n}: loss falls and accuracy rises with n; 60,000 samples over {@code workers}. */
  public static EpochMetrics epoch(int n, int workers) {
    return EpochMetrics.newBuilder()
        .setEpoch(n)
        .setSamples(60_000)
        .setTrainLoss(0.6 - 0.1 * n)
        .setTestLoss(0.55 - 0.05 * n)
        .setTestAccuracy(0.80 + 0.02 * n)
        .setDurationS(12.34)
        .setSamplesPerS(4870.4)
        .setWorkers(workers)
        .setTestSamples(10_000)
        .setSteps(469)
        .build();
  }

  public static WorkerStatus worker(int rank, long pid, WorkerState state) {
    return WorkerStatus.newBuilder()
        .setRank(rank)
        .setWorkerId("w-" + rank)
        .setHost("127.0.0.1")
        .setPort(41_000 + rank)
        .setPid(pid)
        .setState(state)
        .setLogPath("/runs/job-1/worker-" + rank + ".log")
        .build();
  }

  public static JobEvent event(JobEvent.Kind kind, Job job) {
    return JobEvent.newBuilder().setKind(kind).setJob(job).setTimeMs(T0).build();
  }

  /** The events of a job that starts two workers, trains {@code spec.epochs} epochs and ends in {@code end}. */
  public static List<JobEvent> run(Job submitted, JobState end, String message) {
    int workers = submitted.getSpec().getWorkers();
    int epochs = submitted.getSpec().getEpochs();
    List<JobEvent> events = new ArrayList<>();
    Job.Builder j = submitted.toBuilder().setState(JobState.JOB_STATE_QUEUED).setCreatedAtMs(T0);
    events.add(event(JobEvent.Kind.SNAPSHOT, j.build()));
    j.setState(JobState.JOB_STATE_STARTING).setStartedAtMs(T0 + 1000).setJobDir("/runs/" + submitted.getId());
    events.add(event(JobEvent.Kind.STATE_CHANGED, j.build()));
    for (int r = 0; r < workers; r++) {
      j.addWorkers(worker(r, 4000 + r, WorkerState.WORKER_ACTIVE));
    }
    events.add(event(JobEvent.Kind.WORKERS_CHANGED, j.build()));
    j.setState(JobState.JOB_STATE_RUNNING).setTrainSamples(60_000).setTestSamples(10_000);
    events.add(event(JobEvent.Kind.STATE_CHANGED, j.build()));
    for (int e = 1; e <= epochs; e++) {
      for (int step : new int[] {100, 300, 469}) {
        j.setProgress(Progress.newBuilder().setEpoch(e).setStep(step).setStepsInEpoch(469)
            .setSamples(step * 128L).setSamplesPerS(4800).setTrainLoss(0.5));
        events.add(event(JobEvent.Kind.PROGRESS, j.build()));
      }
      EpochMetrics m = epoch(e, workers);
      j.addEpochs(m);
      events.add(event(JobEvent.Kind.EPOCH_FINISHED, j.build()).toBuilder().setEpoch(m).build());
    }
    j.setState(end).setFinishedAtMs(T0 + 46_000).setMessage(message);
    j.clearWorkers();
    for (int r = 0; r < workers; r++) {
      j.addWorkers(worker(r, 4000 + r, end == JobState.JOB_STATE_SUCCEEDED ? WorkerState.WORKER_EXITED
          : r == workers - 1 ? WorkerState.WORKER_LOST : WorkerState.WORKER_EXITED));
    }
    if (end == JobState.JOB_STATE_SUCCEEDED) {
      j.setModelPath("/runs/" + submitted.getId() + "/model.zip");
    } else {
      j.setReason(io.ringmaster.proto.v1.FailureReason.FAILURE_REASON_WORKER_LOST);
    }
    events.add(event(JobEvent.Kind.STATE_CHANGED, j.build()));
    return events;
  }
}
