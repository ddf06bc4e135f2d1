package io.ringmaster.coordinator.store;

import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Child process of {@link SqliteJobStoreCrashTest}: opens the store given as the first argument and
 * writes jobs forever, printing each job's id on its own line once {@code put} has returned. The test
 * kills it with SIGKILL somewhere in that loop.
 */
public final class CrashingWriterMain {
  private CrashingWriterMain() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    SqliteJobStore store = SqliteJobStore.open(Path.of(args[0]));
    out.println("open");
    out.flush();
    for (int i = 0; ; i++) {
      String id = String.format("crash-%06d", i);
      store.put(job(id, i));
      out.println(id);
      out.flush();
    }
  }

  /** The job the child writes for {@code id}; the test rebuilds it to compare contents. */
  static Job job(String id, int i) {
    return Job.newBuilder().setId(id).setCreatedAtMs(1_000_000L + i).setState(JobState.JOB_STATE_RUNNING)
        .setMessage("written by the crashing child, number " + i + " " + "#".repeat(i % 700))
        .setSpec(JobSpec.newBuilder().setName(id).setEpochs(1 + i % 5).setBatchSize(32))
        .build();
  }
}
