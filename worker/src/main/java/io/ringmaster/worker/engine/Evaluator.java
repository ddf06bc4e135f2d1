package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Evaluation of a network in inference mode over a range of samples, {@link Replica#EVAL_CHUNK} samples
 * per forward pass. Accuracy counts argmax(output) == label (ties go to the lower class, as in DL4J's
 * {@code Evaluation}). The loss is DL4J's: for the usual softmax + cross-entropy output it is computed
 * from the same forward pass ({@code -ln max(p[label], eps)}); for other losses a second pass asks DL4J.
 */
final class Evaluator {
  private final MultiLayerNetwork net;
  private final int outputs;
  private final BatchArrays batch;
  /** Softmax cross-entropy without class weights: the clipping epsilon; else NaN (ask DL4J). */
  private final double softmaxClipEps;

  Evaluator(MultiLayerNetwork net, int features, int outputs) {
    this.net = net;
    this.outputs = outputs;
    this.batch = new BatchArrays(Replica.EVAL_CHUNK, features, outputs);
    this.softmaxClipEps = softmaxCrossEntropyEps(net);
  }

  EvalResult evaluate(Dataset test, int from, int to) {
    double lossSum = 0;
    long correct = 0;
    for (int start = from; start < to; start += Replica.EVAL_CHUNK) {
      int n = Math.min(Replica.EVAL_CHUNK, to - start);
      batch.fillRange(test, start, n);
      INDArray[] xy = batch.views(n);
      float[][] out = net.output(xy[0], false).toFloatMatrix();
      for (int k = 0; k < n; k++) {
        int label = test.label(start + k);
        if (argmax(out[k]) == label) {
          correct++;
        }
        if (!Double.isNaN(softmaxClipEps)) {
          lossSum -= Math.log(Math.max(out[k][label], softmaxClipEps));
        }
      }
      if (Double.isNaN(softmaxClipEps)) {
        double meanPlusReg = net.score(new DataSet(xy[0], xy[1]), false);
        lossSum += (meanPlusReg - net.calcRegularizationScore(true)) * n;
      }
    }
    net.clearLayersStates();
    return new EvalResult(lossSum, correct, to - from);
  }

  private int argmax(float[] row) {
    int best = 0;
    for (int c = 1; c < outputs; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }

  private static double softmaxCrossEntropyEps(MultiLayerNetwork net) {
    if (!(net.getOutputLayer() instanceof IOutputLayer)) {
      return Double.NaN;
    }
    Layer conf = net.getOutputLayer().conf().getLayer();
    if (conf instanceof BaseOutputLayer out && out.getActivationFn() instanceof ActivationSoftmax
        && out.getLossFn() instanceof LossMCXENT loss && loss.getWeights() == null) {
      return loss.getSoftmaxClipEps();
    }
    return Double.NaN;
  }
}
