package io.ringmaster.worker.data;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetException;
import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.plan.EpochPlan;
import io.ringmaster.job.plan.ShardPlan;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.JobSpec;
import io.ringmaster.proto.v1.Provenance;
import io.ringmaster.worker.WorkerData;
import java.util.Objects;

/**
 * The core's {@link WorkerData}: every worker reads the whole datasets from the files the spec names, made local
 * by its {@link DataFetcher} first (used in place when visible here, else fetched from the coordinator and cached
 * by hash), and checks they are what the coordinator validated. The steps of an epoch are one global shuffle
 * ({@link ShardPlan}) cut into per-rank slices; rank r evaluates the slice {@code [r*T/W, (r+1)*T/W)} of the
 * test set.
 */
public final class SpecFileData implements WorkerData {
  private final DataFetcher fetcher;
  /** The cached files the current job reads: pinned (never evicted) until {@link #jobEnded}. */
  private final java.util.List<DatasetCache.Pin> pins = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** @param fetcher this worker's fetcher (one cache for every job it runs) */
  public SpecFileData(DataFetcher fetcher) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
  }

  @Override
  public Dataset train(JobSpec spec, DatasetInfo expected, Provenance validated) throws DatasetException {
    return load("train", spec.data().train(), expected, validated);
  }

  @Override
  public Dataset test(JobSpec spec, DatasetInfo expected, Provenance validated) throws DatasetException {
    return load("test", spec.data().test(), expected, validated);
  }

  @Override
  public void jobEnded() {
    pins.forEach(DatasetCache.Pin::close);
    pins.clear();
  }

  @Override
  public EpochPlan plan(JobSpec spec, int epoch, int rank, int world, Dataset train) {
    return ShardPlan.of(spec.seed(), epoch, train.size(), spec.batchSize());
  }

  @Override
  public int[] testRange(int rank, int world, Dataset test) {
    return new int[] {(int) ((long) rank * test.size() / world), (int) ((long) (rank + 1) * test.size() / world)};
  }

  private Dataset load(String which, DatasetRef ref, DatasetInfo expected, Provenance validated)
      throws DatasetException {
    Dataset actual = DatasetLoader.load(fetcher.localize(ref, validated, pins::add));
    if (!expected.equals(actual.info())) {
      throw new DatasetException(DatasetException.Source.PATH, "the " + which + " data this worker read ("
          + actual.info() + ") differs from what the coordinator validated (" + expected
          + "): do all machines see the same files?");
    }
    return actual;
  }
}
