package io.ringmaster.bench.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.worker.engine.StepPhaseListener;
import io.ringmaster.worker.engine.StepPhases;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plain DL4J: {@code net.fit(DataSet)} per step. With {@code reuse == false} each step builds new arrays
 * from the gathered batch, as a {@code DataSetIterator} does; with {@code reuse == true} the batch is
 * copied into arrays allocated once (a full batch; the short last batch gets fresh arrays).
 *
 * <p>The split: data (gather, one-hot labels, ND4J arrays) ends when {@code fit} is called; DL4J's listener
 * calls mark forward, backward (incl. the loss) and, at {@code iterationDone}, the updater and the step's end.
 */
final class FitLoop implements TrainingLoop {
  private final MultiLayerNetwork net;
  private final Dataset data;
  private final int outputs;
  private final boolean reuse;
  private final float[] x;
  private final float[] y;
  private final DataSet reused;
  private final StepPhases phases;

  FitLoop(MultiLayerNetwork net, Dataset data, int batch, int outputs, boolean reuse, StepPhases phases) {
    this.net = net;
    this.phases = phases;
    if (phases.enabled()) {
      net.addListeners(new StepPhaseListener(phases, true));
    }
    this.data = data;
    this.outputs = outputs;
    this.reuse = reuse;
    this.x = new float[batch * data.features()];
    this.y = new float[batch * outputs];
    this.reused = reuse ? new DataSet(Nd4j.create(DataType.FLOAT, batch, data.features()),
        Nd4j.create(DataType.FLOAT, batch, outputs)) : null;
  }

  @Override
  public String name() {
    return reuse ? "fit-reuse" : "fit";
  }

  @Override
  public void step(int[] indices, int count) {
    phases.startStep();
    data.gather(indices, count, x, 0);
    java.util.Arrays.fill(y, 0, count * outputs, 0f);
    for (int k = 0; k < count; k++) {
      y[k * outputs + data.label(indices[k])] = 1f;
    }
    if (reuse && count * outputs == reused.getLabels().length()) {
      reused.getFeatures().data().asNioFloat().put(0, x, 0, count * data.features());
      reused.getLabels().data().asNioFloat().put(0, y, 0, count * outputs);
      phases.end(StepPhases.Phase.DATA);
      net.fit(reused);
      return;
    }
    float[] xs = count * data.features() == x.length ? x : java.util.Arrays.copyOf(x, count * data.features());
    float[] ys = count * outputs == y.length ? y : java.util.Arrays.copyOf(y, count * outputs);
    INDArray fx = Nd4j.create(xs, new long[] {count, data.features()}, 'c');
    INDArray fy = Nd4j.create(ys, new long[] {count, outputs}, 'c');
    DataSet ds = new DataSet(fx, fy);
    phases.end(StepPhases.Phase.DATA);
    net.fit(ds);
  }

  @Override
  public void startEpoch(int epoch) {
    net.setEpochCount(epoch);
  }

  @Override
  public StepPhases phases() {
    return phases;
  }

  /** Argmax of {@code net.output} against the labels, in chunks of 256 samples. */
  @Override
  public double testAccuracy(Dataset test) {
    int chunk = 256;
    float[] xs = new float[chunk * test.features()];
    int[] idx = new int[chunk];
    long correct = 0;
    for (int from = 0; from < test.size(); from += chunk) {
      int n = Math.min(chunk, test.size() - from);
      for (int k = 0; k < n; k++) {
        idx[k] = from + k;
      }
      test.gather(idx, n, xs, 0);
      INDArray x = Nd4j.create(java.util.Arrays.copyOf(xs, n * test.features()), new long[] {n, test.features()}, 'c');
      INDArray predicted = net.output(x, false).argMax(1);
      for (int k = 0; k < n; k++) {
        if (predicted.getInt(k) == test.label(from + k)) {
          correct++;
        }
      }
    }
    return test.size() == 0 ? 0 : (double) correct / test.size();
  }
}
