package io.ringmaster.worker.engine;

import io.ringmaster.job.data.Dataset;
import io.ringmaster.job.data.DatasetLoader;
import io.ringmaster.job.spec.DatasetRef;
import io.ringmaster.job.spec.ModelSpec;
import io.ringmaster.job.spec.UpdaterSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Prints the per-step cost of the non-finite check and the aux slots next to the cost of a whole step
 * (MLP 784-256-128-10, Adam, local batch 64, Fashion-MNIST), plus, for comparison, ND4J's counting op
 * (the check's slow path) and the gradient copy the shared reduce buffer avoids. Figures, not assertions:
 * run it by hand with {@code OMP_NUM_THREADS=1}; rounds alternate the measurements so that load from
 * other processes hits them alike.
 *
 * <p>Arguments: {@code [rounds] [stepsPerRound]}, default 5 and 400.
 */
public final class AuxOverheadMain {
  private static final int BATCH = 64;

  private AuxOverheadMain() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    Dataset train = DatasetLoader.load(DatasetRef.idx(FashionData.DIR + "/train-images-idx3-ubyte.gz",
        FashionData.DIR + "/train-labels-idx1-ubyte.gz"));
    Replica r = Replica.create(ModelSpec.Builtin.mlp(), UpdaterSpec.adam(1e-3), 1, train, BATCH);
    NonFiniteCheck check = new NonFiniteCheck(r.network(), r.network().getFlattenedGradients());
    int n = (int) r.numParams();
    INDArray flat = r.network().getFlattenedGradients().reshape(n);
    INDArray copyTarget = Nd4j.create(DataType.FLOAT, n);
    FloatBuffer reduce = r.reduceBuffer();
    int[] idx = new int[BATCH];
    int[] cursor = {0};

    Runnable step = () -> {
      for (int k = 0; k < BATCH; k++) {
        idx[k] = (cursor[0] + k) % train.size();
      }
      cursor[0] = (cursor[0] + BATCH) % train.size();
      r.computeGradient(idx, BATCH);
      r.applyGradient(BATCH);
    };
    Runnable checkOnly = () -> check.check(1.0);
    Runnable auxOnly = () -> {
      reduce.put(n, 1.5f).put(n + 1, BATCH).put(n + 2, 0f);
      r.reduced();
    };
    Runnable matchCondition = () -> NonFiniteCheck.count(flat, Conditions.notFinite());
    Runnable copyGradient = () -> copyTarget.assign(flat);

    for (int w = 0; w < 300; w++) { // warm-up: JIT, workspaces
      step.run();
    }
    double[][] us = new double[5][rounds];
    for (int round = 0; round < rounds; round++) {
      us[0][round] = micros(step, steps);
      us[1][round] = micros(checkOnly, steps);
      us[2][round] = micros(auxOnly, steps);
      us[3][round] = micros(matchCondition, Math.max(1, steps / 10));
      us[4][round] = micros(copyGradient, steps);
    }
    double s = median(us[0]);
    System.out.printf("MLP 784-256-128-10, Adam, local batch %d, %d parameters, %d rounds x %d steps (medians)%n",
        BATCH, n, rounds, steps);
    System.out.printf("step (computeGradient + applyGradient): %8.1f us%n", s);
    print("non-finite check (finite gradient)", median(us[1]), s);
    print("aux slot writes + reduced()", median(us[2]), s);
    print("check + aux slots", median(us[1]) + median(us[2]), s);
    print("for comparison: MatchCondition(notFinite)", median(us[3]), s);
    print("for comparison: one copy of the gradient", median(us[4]), s);
    System.out.println("per round, step us: " + Arrays.toString(rounded(us[0])) + ", check us: "
        + Arrays.toString(rounded(us[1])));
  }

  private static void print(String what, double micros, double step) {
    System.out.printf("%-42s %8.2f us = %6.3f%% of a step%n", what + ":", micros, 100 * micros / step);
  }

  private static double micros(Runnable r, int times) {
    long t0 = System.nanoTime();
    for (int i = 0; i < times; i++) {
      r.run();
    }
    return (System.nanoTime() - t0) / 1e3 / times;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }

  private static long[] rounded(double[] v) {
    return Arrays.stream(v).mapToLong(Math::round).toArray();
  }
}
