package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import io.ringmaster.model.ModelFactory;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32;
import org.deeplearning4j.nn.api.Updater;
import io.ringmaster.model.Conv2dOps;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One data-parallel model replica inside a worker. A training step is
 * <ol>
 *   <li>{@link #computeGradient}: forward and backward pass over the local samples; the raw gradient (a
 *       SUM over the local samples) lands in {@link #gradientBuffer()}, and the step's counters (loss sum,
 *       sample count, non-finite flag) in the {@link #AUX_SLOTS aux slots} right behind it;
 *   <li>the caller sums {@link #reduceBuffer()} (gradient and aux slots, one contiguous off-heap buffer)
 *       across all replicas in place: the all-reduce;
 *   <li>{@link #reduced()} reads the global counters: the global batch size, the global loss, and how many
 *       ranks saw NaN or infinite values (every rank gets the same answer, so all can skip a bad step);
 *   <li>{@link #applyGradient}: the updater divides by the GLOBAL batch size and updates the parameters.
 * </ol>
 * Replicas built alike and fed the same summed gradient stay bit-identical, and the result equals one
 * network trained on the global batch, up to float rounding of the sum.
 *
 * <p>The aux slots cost no copy: the network's own flat gradient is a view over the head of the reduce
 * buffer ({@link GradientTail}), so backprop writes the gradient straight into the buffer the all-reduce
 * sums.
 *
 * <p>The step loop allocates no ND4J arrays of its own: the batch is gathered into preallocated off-heap
 * arrays, the updater is handed the network's own flat gradient, and activations live in DL4J's
 * workspaces. Not thread-safe: ND4J workspaces belong to a thread, so use a replica from one thread.
 *
 * <p>Dense softmax networks run {@link DenseStep}'s forward/backward pass instead of DL4J's, and Adam
 * networks {@link FusedAdam}'s update instead of DL4J's updater ({@link #usesDenseStep()},
 * {@link #usesFusedAdam()}): same layouts and results up to float rounding, ~2.2x less CPU per MLP step
 * (docs/ENGINE-SPEED.md).
 */
public final class Replica implements AutoCloseable {
  /** Samples per forward pass in {@link #evaluate}. */
  public static final int EVAL_CHUNK = 256;

  /**
   * Floats behind the gradient in {@link #reduceBuffer()}: slot 0 the rank's loss sum for the step, slot 1
   * its sample count, slot 2 1.0 if its loss or gradient was NaN or infinite, else 0.
   */
  public static final int AUX_SLOTS = 3;
  private static final int SLOT_LOSS = 0;
  private static final int SLOT_SAMPLES = 1;
  private static final int SLOT_NON_FINITE = 2;

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
  private final int numParams;
  /** Gradient followed by the aux slots: what the all-reduce sums. */
  private final INDArray reduceArray;
  private final FloatBuffer reduceBuffer;
  private final FloatBuffer gradientBuffer;
  /** The network's flat gradient: a 1-D view over the head of {@link #reduceArray}. */
  private final INDArray flatGradient;
  private final FlatGradient gradient;
  private final NonFiniteCheck nonFiniteCheck;
  private final LayerWorkspaceMgr updaterWorkspaces;

  private final BatchArrays trainBatch;
  private final Evaluator evaluator;
  /** The dense-network forward/backward pass, or null when DL4J's own pass trains this network. */
  private final DenseStep denseStep;
  private final int[] labels;
  /** The one-pass Adam step, or null when DL4J's updater updates this network. */
  private final FusedAdam fusedAdam;
  /** Per-phase step timing (off unless {@link #timePhases} turned it on). */
  private StepPhases phases = StepPhases.off();

  /**
   * Wraps an initialised network. The replica gives the network a new gradient array (the head of
   * {@link #reduceBuffer()}): wrap a network in one replica only.
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
    if (net.params().dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("the network must use FLOAT parameters, has " + net.params().dataType());
    }
    Conv2dOps.install(net);
    this.features = train.features();
    this.maxBatch = maxLocalBatch;
    this.outputs = outputSize(net, features);
    if (outputs < train.info().classes()) {
      throw new IllegalArgumentException("the network has " + outputs + " outputs but the training set has "
          + train.info().classes() + " classes");
    }

    if (net.numParams() + AUX_SLOTS > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the network has " + net.numParams() + " parameters; at most "
          + (Integer.MAX_VALUE - AUX_SLOTS) + " fit one reduce buffer");
    }
    this.numParams = (int) net.numParams();
    this.params = net.params();
    this.paramsBuffer = NioViews.floatView(params);
    this.reduceArray = GradientTail.install(net, AUX_SLOTS);
    this.reduceBuffer = NioViews.floatView(reduceArray);
    this.gradientBuffer = reduceBuffer.duplicate().limit(numParams).slice();
    this.flatGradient = net.getFlattenedGradients().reshape(numParams);
    this.gradient = new FlatGradient(net);
    this.nonFiniteCheck = new NonFiniteCheck(net, flatGradient);
    this.updaterWorkspaces = LayerWorkspaceMgr.builder()
        .with(ArrayType.UPDATER_WORKING_MEM, "WS_ALL_LAYERS_ACT", UPDATER_WS).build();
    this.trainBatch = new BatchArrays(maxLocalBatch, features, outputs);
    this.evaluator = new Evaluator(net, features, outputs);
    this.denseStep = DenseStep.forNetwork(net, maxLocalBatch, null);
    this.labels = new int[maxLocalBatch];
    this.fusedAdam = FusedAdam.forNetwork(net, paramsBuffer, gradientBuffer, updaterState());
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
   * the raw gradient, summed over those samples, in {@link #gradientBuffer()}, and the loss sum, the count
   * and the non-finite flag in the aux slots of {@link #reduceBuffer()}; {@code count == 0} leaves zeros in
   * the whole reduce buffer. The loss and gradient are checked for NaN and infinite values here, before
   * the all-reduce mixes them with other ranks': see {@link StepResult#nonFinite()}.
   */
  public StepResult computeGradient(int[] indices, int count) {
    if (count < 0 || count > maxBatch || count > indices.length) {
      throw new IllegalArgumentException("count " + count + " not in [0, min(maxLocalBatch " + maxBatch
          + ", indices " + indices.length + ")]");
    }
    if (count == 0) {
      reduceArray.assign(0);
      return StepResult.EMPTY;
    }
    trainBatch.fill(train, indices, count);
    INDArray[] xy = trainBatch.views(count);
    phases.end(StepPhases.Phase.DATA);
    double lossSum = denseStep != null ? denseLossAndGradient(xy[0], indices, count)
        : dl4jLossAndGradient(xy[0], xy[1], count);
    String nonFinite = nonFiniteCheck.check(lossSum);
    reduceBuffer.put(numParams + SLOT_LOSS, (float) lossSum);
    reduceBuffer.put(numParams + SLOT_SAMPLES, count);
    reduceBuffer.put(numParams + SLOT_NON_FINITE, nonFinite == null ? 0f : 1f);
    phases.end(StepPhases.Phase.OTHER);
    return new StepResult(lossSum, count, nonFinite);
  }

  /** DL4J's own forward and backward pass; returns the batch's loss sum without regularisation. */
  private double dl4jLossAndGradient(INDArray x, INDArray y, int count) {
    net.setInput(x);
    net.setLabels(y);
    net.computeGradientAndScore();
    double meanLossPlusReg = net.score();
    double reg = net.calcRegularizationScore(true);
    net.clearLayersStates();
    net.setLabels(null);
    return (meanLossPlusReg - reg) * count;
  }

  /** {@link DenseStep}'s forward and backward pass; returns the batch's loss sum. */
  private double denseLossAndGradient(INDArray x, int[] indices, int count) {
    for (int k = 0; k < count; k++) {
      labels[k] = train.label(indices[k]);
    }
    double lossSum = denseStep.computeGradient(x, labels, count, phases);
    phases.end(StepPhases.Phase.BACKWARD);
    return lossSum;
  }

  /** Whether this replica's forward/backward pass is {@link DenseStep}'s (true) or DL4J's own (false). */
  public boolean usesDenseStep() {
    return denseStep != null;
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
   * Direct view over the flat gradient followed by the {@link #AUX_SLOTS aux slots}: {@code numParams() +
   * AUX_SLOTS} floats of one contiguous off-heap buffer (position 0). The all-reduce sums it in place
   * between {@link #computeGradient} and {@link #reduced()} / {@link #applyGradient}. Each call returns a
   * fresh view of the same memory.
   */
  public FloatBuffer reduceBuffer() {
    return reduceBuffer.duplicate();
  }

  /**
   * The aux slots as they are now: after the all-reduce, the step's global loss sum, sample count and the
   * number of ranks that saw NaN or infinite values (before it, this rank's own values).
   *
   * @throws IllegalStateException if the slots do not hold whole, non-negative counts (the buffer was not
   *     summed slot by slot with other replicas' reduce buffers)
   */
  public ReducedStep reduced() {
    float loss = reduceBuffer.get(numParams + SLOT_LOSS);
    float samples = reduceBuffer.get(numParams + SLOT_SAMPLES);
    float nonFinite = reduceBuffer.get(numParams + SLOT_NON_FINITE);
    if (!isCount(samples) || !isCount(nonFinite)) {
      throw new IllegalStateException("the aux slots of the reduce buffer hold samples=" + samples
          + " and nonFiniteRanks=" + nonFinite + ", not whole counts: sum the whole reduceBuffer() of every"
          + " replica element by element, after computeGradient and before reading reduced()");
    }
    return new ReducedStep(loss, (long) samples, (int) nonFinite);
  }

  private static boolean isCount(float v) {
    return v >= 0 && v == Math.rint(v) && v < (float) Integer.MAX_VALUE;
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
    if (fusedAdam != null) {
      fusedAdam.apply(iteration, epoch, globalBatch);
    } else {
      dl4jUpdate(iteration, epoch, globalBatch);
    }
    net.setIterationCount(iteration + 1);
    net.applyConstraints(iteration + 1, epoch);
    phases.end(StepPhases.Phase.UPDATE);
  }

  /** DL4J's updater: divides the gradient, turns it into the update in place, parameters -= update. */
  private void dl4jUpdate(int iteration, int epoch, int globalBatch) {
    Updater updater = net.getUpdater();
    updater.update(net, gradient, iteration, epoch, globalBatch, updaterWorkspaces);
    params.subi(flatGradient);
  }

  /** Whether {@link #applyGradient} runs {@link FusedAdam} (true) or DL4J's updater (false). */
  public boolean usesFusedAdam() {
    return fusedAdam != null;
  }

  /**
   * Times this replica's steps phase by phase into {@code split} (see {@link StepPhases}: the caller starts
   * and ends each step and marks the all-reduce; the replica marks data, forward, backward and update).
   * Adds a {@link StepPhaseListener} to the network when {@code split} is on. Call it once, before training.
   */
  public void timePhases(StepPhases split) {
    this.phases = Objects.requireNonNull(split, "split");
    if (split.enabled()) {
      net.addListeners(new StepPhaseListener(split, false));
    }
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
    crc.update(NioViews.byteView(params));
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
    NioViews.floatView(state).get(0, out);
    return out;
  }

  /**
   * A copy of everything that makes another replica of the same model continue exactly like this one.
   * Call it between steps (not between {@link #computeGradient} and {@link #applyGradient}); it opens no
   * workspace and allocates only Java arrays.
   */
  public ReplicaState state() {
    return new ReplicaState(paramsCopy(), updaterStateCopy(), iteration(), epoch());
  }

  /**
   * Overwrites parameters, updater state and counters, e.g. with another replica's {@link #state()}; the
   * replica then continues bit-identically to the one the state came from, whatever seed it was built
   * with. Call it between steps. Copies into the existing off-heap arrays: allocates nothing.
   */
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
      NioViews.floatView(state).put(0, s.updaterState());
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
    // creates the updater (and its state array) on first use: keep that allocation out of any workspace
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      Updater u = net.getUpdater();
      return u == null ? null : u.getStateViewArray();
    }
  }

  private static int outputSize(MultiLayerNetwork net, int features) {
    INDArray out = net.output(Nd4j.zeros(DataType.FLOAT, 1, features), false);
    if (out.rank() != 2) {
      throw new IllegalArgumentException("the network's output has rank " + out.rank() + "; a classifier must"
          + " output [batch, classes]");
    }
    return (int) out.size(1);
  }
}
