package io.ringmaster.cli.render;

import io.ringmaster.job.FailureReasons;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.WorkerStatus;

/**
 * The JSON written by {@code run --summary FILE}:
 *
 * <pre>
 * {
 *   "job_id": "...", "name": "...", "state": "SUCCEEDED", "reason": "", "message": "",
 *   "spec": { ...the JobSpec as protobuf JSON (lowerCamelCase)... },
 *   "epochs": [ {"epoch": 1, "samples": 60000, "train_loss": 0.51, "test_loss": 0.44,
 *                "test_accuracy": 0.84, "duration_s": 12.3, "samples_per_s": 4870.0}, ... ],
 *   "workers": {"count": 2, "list": [ {"rank": 0, "host": "127.0.0.1", "port": 41234, "pid": 4242,
 *                                     "state": "WORKER_EXITED"}, ... ]},
 *   "model_path": "...", "job_dir": "...",
 *   "train_samples": 60000, "test_samples": 10000,
 *   "created_at_ms": ..., "started_at_ms": ..., "finished_at_ms": ..., "wall_time_s": 45.2
 * }
 * </pre>
 *
 * {@code workers.count} is the number of workers the job asked for; {@code wall_time_s} is null until
 * the job has started and finished.
 */
public final class RunSummary {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunSummary() {}

  public static String toJson(Job job) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("job_id", job.getId());
    root.put("name", job.getSpec().getName());
    root.put("state", io.ringmaster.job.JobState.shortName(job.getState()));
    root.put("reason", FailureReasons.display(job.getReason()));
    root.put("message", job.getMessage());
    try {
      root.set("spec", MAPPER.readTree(JsonFormat.printer().print(job.getSpec())));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("cannot print the job spec as JSON: " + e.getMessage(), e);
    }
    ArrayNode epochs = root.putArray("epochs");
    for (EpochMetrics m : job.getEpochsList()) {
      ObjectNode e = epochs.addObject();
      e.put("epoch", m.getEpoch());
      e.put("samples", m.getSamples());
      e.put("train_loss", m.getTrainLoss());
      e.put("test_loss", m.getTestLoss());
      e.put("test_accuracy", m.getTestAccuracy());
      e.put("duration_s", m.getDurationS());
      e.put("samples_per_s", m.getSamplesPerS());
      e.put("workers", m.getWorkers());
      e.put("steps", m.getSteps());
    }
    ObjectNode workers = root.putObject("workers");
    workers.put("count", job.getSpec().getWorkers() > 0 ? job.getSpec().getWorkers() : job.getWorkersCount());
    ArrayNode list = workers.putArray("list");
    for (WorkerStatus w : job.getWorkersList()) {
      ObjectNode o = list.addObject();
      o.put("rank", w.getRank());
      o.put("worker_id", w.getWorkerId());
      o.put("host", w.getHost());
      o.put("port", w.getPort());
      o.put("pid", w.getPid());
      o.put("state", w.getState().name());
      if (w.hasExitCode()) {
        o.put("exit_code", w.getExitCode());
      }
      o.put("log_path", w.getLogPath());
    }
    root.put("model_path", job.getModelPath());
    root.put("job_dir", job.getJobDir());
    root.put("train_samples", job.getTrainSamples());
    root.put("test_samples", job.getTestSamples());
    root.put("created_at_ms", job.getCreatedAtMs());
    root.put("started_at_ms", job.getStartedAtMs());
    root.put("finished_at_ms", job.getFinishedAtMs());
    if (job.getStartedAtMs() > 0 && job.getFinishedAtMs() >= job.getStartedAtMs()) {
      root.put("wall_time_s", (job.getFinishedAtMs() - job.getStartedAtMs()) / 1000.0);
    } else {
      root.putNull("wall_time_s");
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the run summary: " + e.getMessage(), e);
    }
  }
}
