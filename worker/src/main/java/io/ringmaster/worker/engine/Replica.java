package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One data-parallel model replica inside a worker. A training step is
 * <ol>
 *   <li>{@link #computeGradient}: forward and backward pass over the local samples; the raw gradient (a
 *       SUM over the local samples) lands in {@link #gradientBuffer()};
 *   <li>the caller sums that buffer across all replicas in place (the all-reduce);
 *   <li>{@link #applyGradient}: the updater divides by the GLOBAL batch size and updates the parameters.
 * </ol>
 * Replicas built alike and fed the same summed gradient stay bit-identical, and the result equals one
 * network trained on the global batch, up to float rounding of the sum.
 *
 * <p>The step loop allocates no ND4J arrays of its own: the batch is gathered into preallocated off-heap
 * arrays, the updater is handed the network's own flat gradient, and activations live in DL4J's
 * workspaces. Not thread-safe: ND4J workspaces belong to a thread, so use a replica from one thread.
 */
public final class Replica implements AutoCloseable {
  /** Samples per forward pass in {@link #evaluate}. */
  public static final int EVAL_CHUNK = 256;
  private static final int MAX_CACHED_VIEWS = 8;

  /** Same policy DL4J's fit() gives the updater's working memory. */
  private static final WorkspaceConfiguration UPDATER_WS = WorkspaceConfiguration.builder()
      .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
      .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
      .policyAllocation(AllocationPolicy.OVERALLOCATE).build();

  private final MultiLayerNetwork net;
  private final Dataset train;
  private final int features;
  private final int outputs;
  private final int maxBatch;

  private final INDArray params;
  private final FloatBuffer paramsBuffer;
  private final INDArray flatGradient;
  private final FloatBuffer gradientBuffer;
  private final FlatGradient gradient;
  private final LayerWorkspaceMgr updaterWorkspaces;

  private final BatchArrays trainBatch;
  private final Evaluator evaluator;

  /**
   * Wraps an initialised network.
   *
   * @param train the training set, whose samples {@link #computeGradient} indexes
   * @param maxLocalBatch the most samples one {@link #computeGradient} call will get
   */
  public Replica(MultiLayerNetwork net, Dataset train, int maxLocalBatch) {
    this.net = Objects.requireNonNull(net, "net");
    this.train = Objects.requireNonNull(train, "train");
    if (maxLocalBatch < 1) {
      throw new IllegalArgumentException("maxLocalBatch must be >= 1, got " + maxLocalBatch);
    }
    if (net.getLayers() == null || net.numParams() == 0) {
      throw new IllegalArgumentException("the network is not initialised or has no parameters: call init() first");
    }
    if (net.getFlattenedGradients() == null) {
      net.initGradientsView();
    }
    if (net.params().dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("the network must use FLOAT parameters, has " + net.params().dataType());
    }
    this.features = train.features();
    this.maxBatch = maxLocalBatch;
    this.outputs = outputSize(net, features);
    if (outputs < train.info().classes()) {
      throw new IllegalArgumentException("the network has " + outputs + " outputs but the training set has "
          + train.info().classes() + " classes");
    }

    this.params = net.params();
    this.paramsBuffer = floatView(params);
    this.flatGradient = net.getFlattenedGradients().reshape(net.numParams());
    this.gradientBuffer = floatView(flatGradient);
    this.gradient = new FlatGradient(net);
    this.updaterWorkspaces = LayerWorkspaceMgr.builder()
        .with(ArrayType.UPDATER_WORKING_MEM, "WS_ALL_LAYERS_ACT", UPDATER_WS).build();
    this.trainBatch = new BatchArrays(maxLocalBatch, features, outputs);
    this.evaluator = new Evaluator(net, features, outputs);
  }

  /** Builds the job's network ({@link ModelFactory#build}) and wraps it. */
  public static Replica create(ModelSpec model, UpdaterSpec updater, long seed, Dataset train, int maxLocalBatch) {
    return new Replica(ModelFactory.build(model, updater, seed, train.info()), train, maxLocalBatch);
  }

  /** The wrapped network (for inspection; do not train it behind the replica's back). */
  public MultiLayerNetwork network() {
    return net;
  }

  public long numParams() {
    return net.numParams();
  }

  /** Width of the network's output, which is also the width of the one-hot labels. */
  public int outputs() {
    return outputs;
  }

  public int maxLocalBatch() {
    return maxBatch;
  }

  /**
   * Forward and backward pass over training samples {@code indices[0 .. count)} in training mode. Leaves
   * the raw gradient, summed over those samples, in {@link #gradientBuffer()}; {@code count == 0} leaves
   * a zero gradient.
   */
  public StepResult computeGradient(int[] indices, int count) {
    if (count < 0 || count > maxBatch || count > indices.length) {
      throw new IllegalArgumentException("count " + count + " not in [0, min(maxLocalBatch " + maxBatch
          + ", indices " + indices.length + ")]");
    }
    if (count == 0) {
      flatGradient.assign(0);
      return StepResult.EMPTY;
    }
    trainBatch.fill(train, indices, count);
    INDArray[] xy = trainBatch.views(count);
    net.setInput(xy[0]);
    net.setLabels(xy[1]);
    net.computeGradientAndScore();
    double meanLossPlusReg = net.score();
    double reg = net.calcRegularizationScore(true);
    net.clearLayersStates();
    net.setLabels(null);
    return new StepResult((meanLossPlusReg - reg) * count, count);
  }

  /**
   * Direct view over the flat gradient (position 0, limit {@link #numParams()}). Sum it across replicas
   * in place between {@link #computeGradient} and {@link #applyGradient}. Each call returns a fresh view
   * of the same memory, so callers may move its position freely.
   */
  public FloatBuffer gradientBuffer() {
    return gradientBuffer.duplicate();
  }

  /**
   * Applies the (summed) gradient in {@link #gradientBuffer()}: the updater divides it by
   * {@code globalBatch}, turns it into an update (Adam, Nesterov, SGD with the job's learning rate),
   * parameters -= update, and the iteration counter advances.
   *
   * @param globalBatch samples the summed gradient covers, over all replicas
   */
  public void applyGradient(int globalBatch) {
    if (globalBatch < 1) {
      throw new IllegalArgumentException("globalBatch must be >= 1, got " + globalBatch);
    }
    int iteration = net.getIterationCount();
    int epoch = net.getEpochCount();
    Updater updater = net.getUpdater();
    updater.update(net, gradient, iteration, epoch, globalBatch, updaterWorkspaces);
    params.subi(flatGradient);
    net.setIterationCount(iteration + 1);
    net.applyConstraints(iteration + 1, epoch);
  }

  /** Evaluates test samples {@code [from, to)} in inference mode, in chunks of {@link #EVAL_CHUNK}. */
  public EvalResult evaluate(Dataset test, int from, int to) {
    Objects.requireNonNull(test, "test");
    if (test.features() != features) {
      throw new IllegalArgumentException("test samples have " + test.features() + " features, the model takes "
          + features);
    }
    Objects.checkFromToIndex(from, to, test.size());
    return evaluator.evaluate(test, from, to);
  }

  public int iteration() {
    return net.getIterationCount();
  }

  public int epoch() {
    return net.getEpochCount();
  }

  /** Sets the network's epoch counter (read by schedules); the worker sets it at each epoch start. */
  public void setEpoch(int epoch) {
    net.setEpochCount(epoch);
  }

  /** CRC32 of the parameters' raw float bits: equal on bit-identical replicas. Cheap (no copy). */
  public long paramsChecksum() {
    CRC32 crc = new CRC32();
    crc.update(byteView(params));
    return crc.getValue();
  }

  public float[] paramsCopy() {
    float[] out = new float[paramsBuffer.limit()];
    paramsBuffer.get(0, out);
    return out;
  }

  /** A copy of the updater state (Adam's moments, Nesterov's velocity); empty for stateless updaters. */
  public float[] updaterStateCopy() {
    INDArray state = updaterState();
    if (state == null) {
      return new float[0];
    }
    float[] out = new float[(int) state.length()];
    floatView(state).get(0, out);
    return out;
  }

  public ReplicaState state() {
    return new ReplicaState(paramsCopy(), updaterStateCopy(), iteration(), epoch());
  }

  /** Overwrites parameters, updater state and counters, e.g. with another replica's {@link #state()}. */
  public void setState(ReplicaState s) {
    if (s.params().length != paramsBuffer.limit()) {
      throw new IllegalArgumentException("state has " + s.params().length + " parameters, this model has "
          + paramsBuffer.limit() + ": is it the same model?");
    }
    INDArray state = updaterState();
    int stateLength = state == null ? 0 : (int) state.length();
    if (s.updaterState().length != stateLength) {
      throw new IllegalArgumentException("state has " + s.updaterState().length + " updater values, this model's"
          + " updater has " + stateLength + ": is it the same model and updater?");
    }
    paramsBuffer.put(0, s.params());
    if (state != null) {
      floatView(state).put(0, s.updaterState());
    }
    net.setIterationCount(s.iteration());
    net.setEpochCount(s.epoch());
  }

  /** Writes the network with its updater state (DL4J ModelSerializer zip). */
  public void save(Path file) throws IOException {
    ModelSerializer.writeModel(net, file.toFile(), true);
  }

  /** Reads a network written by {@link #save}, with its updater state and counters. */
  public static MultiLayerNetwork load(Path file) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
  }

  /** Drops the references to the network's arrays; the off-heap memory is freed with the objects. */
  @Override
  public void close() {
    net.clear();
  }

  private INDArray updaterState() {
    Updater u = net.getUpdater();
    return u == null ? null : u.getStateViewArray();
  }

  private static int outputSize(MultiLayerNetwork net, int features) {
    INDArray out = net.output(Nd4j.zeros(DataType.FLOAT, 1, features), false);
    if (out.rank() != 2) {
      throw new IllegalArgumentException("the network's output has rank " + out.rank() + "; a classifier must"
          + " output [batch, classes]");
    }
    return (int) out.size(1);
  }

  /** Float view of a contiguous array's elements (position 0, limit = length). */
  static FloatBuffer floatView(INDArray a) {
    return byteView(a).asFloatBuffer();
  }

  private static ByteBuffer byteView(INDArray a) {
    if (a.dataType() != DataType.FLOAT || a.data().length() != a.length() || a.offset() != 0) {
      throw new IllegalStateException("expected a contiguous FLOAT array with its own buffer, got " + a.shapeInfoToString());
    }
    ByteBuffer b = a.data().asNio();
    return b.position(0).limit((int) (a.length() * Float.BYTES)).slice().order(java.nio.ByteOrder.nativeOrder());
  }

  /** Preallocated feature and one-hot label arrays of one replica, with views for smaller batches. */
  static final class BatchArrays {
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
      this.xBuf = floatView(x);
      this.yBuf = floatView(y);
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
}
