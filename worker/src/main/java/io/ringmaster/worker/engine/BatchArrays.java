package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Preallocated feature and one-hot label arrays of one replica, with views for smaller batches. */
final class BatchArrays {
  private static final int MAX_CACHED_VIEWS = 8;

  private final INDArray x;
  private final INDArray y;
  private final FloatBuffer xBuf;
  private final FloatBuffer yBuf;
  private final int outputs;
  private final Map<Integer, INDArray[]> views;
  private final INDArray[] full;

  BatchArrays(int rows, int features, int outputs) {
    this.x = Nd4j.create(DataType.FLOAT, new long[] {rows, features}, 'c');
    this.y = Nd4j.create(DataType.FLOAT, new long[] {rows, outputs}, 'c');
    this.xBuf = NioViews.floatView(x);
    this.yBuf = NioViews.floatView(y);
    this.outputs = outputs;
    this.full = new INDArray[] {x, y};
    this.views = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, INDArray[]> eldest) {
        return size() > MAX_CACHED_VIEWS;
      }
    };
  }

  /** Gathers the samples' features and one-hot labels into the first {@code count} rows. */
  void fill(Dataset data, int[] indices, int count) {
    data.gather(indices, count, xBuf, 0);
    oneHot(data, indices, count, -1);
  }

  /** Gathers samples {@code [from, from + count)}. */
  void fillRange(Dataset data, int from, int count) {
    data.gatherRange(from, count, xBuf, 0);
    oneHot(data, null, count, from);
  }

  private void oneHot(Dataset data, int[] indices, int count, int from) {
    int n = count * outputs;
    for (int i = 0; i < n; i++) {
      yBuf.put(i, 0f);
    }
    for (int k = 0; k < count; k++) {
      int label = data.label(indices == null ? from + k : indices[k]);
      yBuf.put(k * outputs + label, 1f);
    }
  }

  /** Features and labels arrays of the first {@code count} rows (views, cached per count). */
  INDArray[] views(int count) {
    if (count == x.rows()) {
      return full;
    }
    return views.computeIfAbsent(count, c -> new INDArray[] {
        x.get(NDArrayIndex.interval(0, c), NDArrayIndex.all()),
        y.get(NDArrayIndex.interval(0, c), NDArrayIndex.all())});
  }
}
