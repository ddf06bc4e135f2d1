package io.ringmaster.coordinator.checkpoint;

import io.ringmaster.coordinator.store.JobStore;
import io.ringmaster.proto.v1.Checkpoint;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.job.checkpoint.CheckpointChunks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one coordinator: files under {@code <jobsDir>/<jobId>/checkpoints/} named by
 * {@link CheckpointIds} ({@code e0002-s000153.ckpt}), their references in the {@link JobStore}, and
 * retention (the newest {@code keep} per job). Thread-safe; saves of one job are serialised.
 */
public final class CheckpointStore {
  /** Checkpoints kept per job unless configured otherwise. */
  public static final int DEFAULT_KEEP = 3;

  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

  private final Path jobsDir;
  private final JobStore refs;
  private final int keep;
  private final LongSupplier wallClock;
  private final ConcurrentHashMap<String, Object> jobLocks = new ConcurrentHashMap<>();

  /** A store keeping {@value #DEFAULT_KEEP} checkpoints per job. */
  public CheckpointStore(Path jobsDir, JobStore refs) {
    this(jobsDir, refs, DEFAULT_KEEP, System::currentTimeMillis);
  }

  /**
   * @param jobsDir the coordinator's jobs directory ({@code <dataDir>/jobs})
   * @param refs where checkpoint references are recorded
   * @param keep checkpoints kept per job, at least 1
   * @param wallClock epoch milliseconds, for checkpoints without {@code created_at_ms}
   */
  public CheckpointStore(Path jobsDir, JobStore refs, int keep, LongSupplier wallClock) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1 checkpoint per job, got " + keep);
    }
    this.jobsDir = jobsDir.toAbsolutePath().normalize();
    this.refs = refs;
    this.keep = keep;
    this.wallClock = wallClock;
  }

  /** The directory holding the job's checkpoint files. */
  public Path checkpointsDir(String jobId) {
    return jobsDir.resolve(CheckpointIds.checkJobId(jobId)).resolve("checkpoints");
  }

  /**
   * Writes {@code checkpoint} (atomically and durably, see {@link CheckpointFile#write}), records its
   * reference, then deletes the job's checkpoints beyond the newest {@code keep} (files and references)
   * and leftovers of interrupted saves. A checkpoint with the id of an existing one replaces it.
   *
   * @throws IllegalArgumentException when the checkpoint belongs to another job, has no valid cursor
   *     (epoch >= 1, step >= 0), or its byte fields do not match its sizes
   * @throws IOException when the file cannot be written
   */
  public CheckpointRef save(String jobId, Checkpoint checkpoint) throws IOException {
    CheckpointIds.checkJobId(jobId);
    if (!checkpoint.getJobId().isEmpty() && !checkpoint.getJobId().equals(jobId)) {
      throw new IllegalArgumentException("checkpoint of job '" + checkpoint.getJobId()
          + "' cannot be saved as a checkpoint of job '" + jobId + "'");
    }
    if (checkpoint.getEpoch() < 1 || checkpoint.getStep() < 0) {
      throw new IllegalArgumentException("checkpoint of job " + jobId + " has epoch " + checkpoint.getEpoch()
          + " and step " + checkpoint.getStep() + ": epochs count from 1 and steps from 0");
    }
    CheckpointChunks.header(checkpoint); // checks the byte fields against num_params / updater_state_length
    Checkpoint c = checkpoint;
    if (c.getJobId().isEmpty() || c.getCreatedAtMs() == 0) {
      Checkpoint.Builder b = c.toBuilder().setJobId(jobId);
      if (c.getCreatedAtMs() == 0) {
        b.setCreatedAtMs(wallClock.getAsLong());
      }
      c = b.build();
    }
    String id = CheckpointIds.of(c.getEpoch(), c.getStep());
    Path file = checkpointsDir(jobId).resolve(CheckpointIds.fileName(id));
    synchronized (jobLocks.computeIfAbsent(jobId, k -> new Object())) {
      CheckpointFileInfo info = CheckpointFile.write(file, c);
      CheckpointRef ref = CheckpointRef.newBuilder()
          .setJobId(jobId).setId(id).setEpoch(c.getEpoch()).setStep(c.getStep())
          .setEpochComplete(c.getEpochComplete()).setPath(file.toString())
          .setSha256(info.sha256()).setSizeBytes(info.sizeBytes()).setCreatedAtMs(c.getCreatedAtMs())
          .build();
      refs.addCheckpoint(ref);
      prune(jobId);
      return ref;
    }
  }

  /**
   * Reads and verifies a stored checkpoint.
   *
   * @throws CorruptCheckpointException when the file fails verification or holds another checkpoint
   *     than {@code ref} describes
   * @throws NoSuchFileException when the file is gone
   */
  public Checkpoint load(CheckpointRef ref) throws IOException {
    Path file = fileOf(ref);
    CheckpointFile.Verified v = CheckpointFile.readVerified(file);
    Checkpoint c = v.checkpoint();
    if (!ref.getSha256().isEmpty() && !ref.getSha256().equals(v.sha256())) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.WRONG_CHECKPOINT, file,
          "its payload's SHA-256 " + v.sha256() + " differs from the " + ref.getSha256()
              + " recorded when checkpoint " + ref.getId() + " was saved: the file was replaced");
    }
    if (!c.getJobId().equals(ref.getJobId()) || c.getEpoch() != ref.getEpoch() || c.getStep() != ref.getStep()) {
      throw new CorruptCheckpointException(CorruptCheckpointException.Reason.WRONG_CHECKPOINT, file,
          "it holds epoch " + c.getEpoch() + " step " + c.getStep() + " of job " + c.getJobId()
              + ", not checkpoint " + ref.getId() + " of job " + ref.getJobId());
    }
    return c;
  }

  /**
   * Where this store keeps the checkpoint {@code ref} names: {@code <jobsDir>/<jobId>/checkpoints/<id>.ckpt}.
   * {@code ref.path} is informational (it is stale after the data directory was moved).
   */
  public Path fileOf(CheckpointRef ref) {
    return checkpointsDir(ref.getJobId()).resolve(CheckpointIds.fileName(ref.getId()));
  }

  /** The reference of checkpoint {@code checkpointId} of the job, if recorded. */
  public Optional<CheckpointRef> find(String jobId, String checkpointId) {
    return refs.checkpoints(jobId).stream().filter(r -> r.getId().equals(checkpointId)).findFirst();
  }

  /** The job's checkpoint references, newest first. */
  public List<CheckpointRef> list(String jobId) {
    return refs.checkpoints(jobId);
  }

  /**
   * The job's newest checkpoint that reads back intact. Walks the job's checkpoints newest first,
   * skipping corrupt, missing and unreadable ones; for each one skipped, {@code onProblem} gets a
   * sentence such as "checkpoint e0002-s000153 of job X is corrupt (ChecksumMismatch): using
   * e0002-s000100 instead". Skipped checkpoints are left in place (for inspection; retention removes
   * them eventually).
   *
   * @return empty when the job has no valid checkpoint
   */
  public Optional<LoadedCheckpoint> newestValid(String jobId, Consumer<String> onProblem) {
    List<String> problems = new ArrayList<>();
    for (CheckpointRef ref : refs.checkpoints(jobId)) {
      try {
        LoadedCheckpoint good = new LoadedCheckpoint(ref, load(ref));
        problems.forEach(p -> onProblem.accept(p + ": using " + ref.getId() + " instead"));
        return Optional.of(good);
      } catch (CorruptCheckpointException e) {
        log.warn("{}", e.getMessage());
        problems.add(describe(ref) + " is corrupt (" + e.reason() + ")");
      } catch (NoSuchFileException e) {
        log.warn("checkpoint file {} of job {} is missing", fileOf(ref), jobId);
        problems.add(describe(ref) + " is missing (no file " + fileOf(ref) + ")");
      } catch (IOException e) {
        log.warn("cannot read checkpoint file {} of job {}: {}", fileOf(ref), jobId, e.toString());
        problems.add(describe(ref) + " cannot be read (" + e.getMessage() + ")");
      }
    }
    problems.forEach(p -> onProblem.accept(p + ": no older valid checkpoint is left"));
    return Optional.empty();
  }

  private static String describe(CheckpointRef ref) {
    return "checkpoint " + ref.getId() + " of job " + ref.getJobId();
  }

  /** Deletes checkpoints beyond the newest {@code keep}, unreferenced checkpoint files and temp files. */
  private void prune(String jobId) throws IOException {
    List<CheckpointRef> all = refs.checkpoints(jobId);
    Set<Path> kept = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      CheckpointRef r = all.get(i);
      Path p = fileOf(r);
      if (i < keep) {
        kept.add(p);
      } else {
        Files.deleteIfExists(p);
        refs.removeCheckpoint(jobId, r.getId());
      }
    }
    Path dir = checkpointsDir(jobId);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        boolean leftover = name.startsWith(".") && name.endsWith(CheckpointFile.TEMP_SUFFIX);
        boolean orphan = CheckpointIds.isCheckpointFile(name) && !kept.contains(dir.resolve(name));
        if (leftover || orphan) {
          log.info("removing {} {}", leftover ? "leftover temporary file" : "unreferenced checkpoint file", f);
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
