package io.ringmaster.worker;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.job.spec.SpecProtos;
import io.ringmaster.proto.v1.Assign;
import io.ringmaster.proto.v1.EpochResult;
import io.ringmaster.proto.v1.StepProgress;
import io.ringmaster.worker.collective.Collective;
import io.ringmaster.worker.collective.CollectiveException;
import io.ringmaster.worker.collective.CollectiveService;
import io.ringmaster.worker.collective.PeerAddress;
import io.ringmaster.worker.collective.RingAllReduce;
import io.ringmaster.worker.collective.RingMembership;
import io.ringmaster.worker.collective.RingOptions;
import io.ringmaster.worker.engine.EvalResult;
import io.ringmaster.worker.engine.Replica;
import io.ringmaster.worker.engine.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's part of one job: its replica of the model, its datasets and its place in the ring. The
 * training loop of an epoch, for every step:
 *
 * <ol>
 *   <li>take this rank's slice of the step's global batch from the {@link ShardPlan} (seed, epoch);
 *   <li>forward and backward on the slice: the raw gradient is the SUM over the slice's samples;
 *   <li>all-reduce (sum) the flat gradient over every rank: every replica now holds the gradient sum of
 *       the whole global batch, bit-identical on every rank;
 *   <li>apply the updater with the global batch size, so the step equals one step of a single model
 *       on the global batch.
 * </ol>
 *
 * After the last step, the rank evaluates its contiguous slice of the test set; the coordinator adds
 * up the slices, so every test sample counts once.
 */
final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final long PROGRESS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

  private final Assign assign;
  private final JobSpec spec;
  private final int rank;
  private final int worldSize;
  private final long generation;
  private final CollectiveService inbound;
  private volatile boolean aborted;
  private Dataset train;
  private Dataset test;
  private Replica replica;
  private Collective collective;

  JobRunner(Assign assign, CollectiveService inbound) {
    this.assign = assign;
    this.spec = SpecProtos.fromProto(assign.getSpec());
    this.rank = assign.getMembership().getRank();
    this.worldSize = assign.getMembership().getPeersCount();
    this.generation = assign.getMembership().getGeneration();
    this.inbound = inbound;
  }

  String jobId() {
    return assign.getJobId();
  }

  long generation() {
    return generation;
  }

  /** Loads the data, builds the replica and joins the ring. */
  void prepare() throws DatasetException, CollectiveException {
    long t0 = System.nanoTime();
    train = DatasetLoader.load(spec.data().train());
    test = DatasetLoader.load(spec.data().test());
    checkShape("train", DatasetInfo.fromProto(assign.getTrain()), train.info());
    checkShape("test", DatasetInfo.fromProto(assign.getTest()), test.info());
    int maxLocalBatch = (spec.batchSize() + worldSize - 1) / worldSize;
    replica = Replica.create(spec.model(), spec.updater(), spec.seed(), train, maxLocalBatch);
    List<PeerAddress> peers = assign.getMembership().getPeersList().stream()
        .map(p -> new PeerAddress(p.getHost(), p.getPort())).toList();
    collective = RingAllReduce.join(inbound, new RingMembership(generation, rank, peers), RingOptions.defaults());
    log.info("job {}: rank {}/{} ready in {} ms ({} params, {} train / {} test samples)", jobId(), rank,
        worldSize, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), replica.numParams(),
        train.size(), test.size());
  }

  private static void checkShape(String which, DatasetInfo expected, DatasetInfo actual) throws DatasetException {
    if (!expected.equals(actual)) {
      throw new DatasetException(DatasetException.Source.PATH, "the " + which + " data this worker read (" + actual + ") differs from what the "
          + "coordinator validated (" + expected + "): do all machines see the same files?");
    }
  }

  /** Trains epoch {@code epoch} from its first step and evaluates this rank's test slice. */
  EpochResult runEpoch(int epoch, Consumer<StepProgress> progress)
      throws CollectiveException, AbortedException {
    ShardPlan plan = ShardPlan.of(spec.seed(), epoch, train.size(), spec.batchSize());
    int steps = plan.steps();
    replica.setEpoch(epoch - 1);
    int[] indices = new int[spec.batchSize()];
    long samples = 0;
    double lossSum = 0;
    long t0 = System.nanoTime();
    long lastReport = t0;
    for (int step = 0; step < steps; step++) {
      if (aborted) {
        throw new AbortedException("job " + jobId() + " released during epoch " + epoch);
      }
      int n = plan.indices(step, rank, worldSize, indices);
      StepResult r = replica.computeGradient(indices, n);
      collective.allReduceSum(replica.gradientBuffer());
      replica.applyGradient(plan.stepSize(step));
      samples += n;
      lossSum += r.lossSum();
      long now = System.nanoTime();
      if (now - lastReport >= PROGRESS_EVERY_NANOS || step == steps - 1) {
        lastReport = now;
        progress.accept(StepProgress.newBuilder().setJobId(jobId()).setEpoch(epoch).setSteps(step + 1)
            .setStepsInEpoch(steps).setSamples(samples).setLossSum(lossSum).build());
      }
    }
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    long e0 = System.nanoTime();
    int from = (int) ((long) rank * test.size() / worldSize);
    int to = (int) ((long) (rank + 1) * test.size() / worldSize);
    EvalResult eval = replica.evaluate(test, from, to);
    double evalSeconds = (System.nanoTime() - e0) / 1e9;
    return EpochResult.newBuilder()
        .setJobId(jobId()).setEpoch(epoch).setGeneration(generation).setSteps(steps)
        .setTrainSamples(samples).setTrainLossSum(lossSum)
        .setTestSamples(eval.count()).setTestLossSum(eval.lossSum()).setTestCorrect(eval.correct())
        .setTrainSeconds(trainSeconds).setEvalSeconds(evalSeconds)
        .setParamsChecksum(replica.paramsChecksum())
        .build();
  }

  /** Saves the replica (with updater state) atomically: temp file, then rename. */
  Path save(Path path) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    replica.save(tmp);
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return path;
  }

  /** Makes a running epoch stop at its next step (or fail its pending collective op). Any thread. */
  void abort() {
    aborted = true;
    Collective c = collective;
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void close() {
    abort();
    if (replica != null) {
      replica.close();
    }
  }

  /** The job was released while an epoch was running. */
  static final class AbortedException extends Exception {
    private static final long serialVersionUID = 1L;

    AbortedException(String message) {
      super(message);
    }
  }
}
