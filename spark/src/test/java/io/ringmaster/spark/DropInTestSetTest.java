package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ringmaster.proto.v1.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The drop-in's per-epoch test set ({@code RingmasterTrainingMaster.Builder.testData}), on the shared {@link
 * LocalSpark} context: after every {@code fit} the workers have evaluated every test example exactly once (dealt
 * unevenly from three partitions to two workers) with the epoch's final parameters, so the loss and accuracy they
 * report are the driver's own evaluation of the trained network on the whole test set.
 */
class DropInTestSetTest {
  private static final int TEST_EXAMPLES = 330;

  @Test
  void everyFitEvaluatesEveryTestExampleOnceWithTheTrainedParameters() throws Exception {
    JavaSparkContext sc = LocalSpark.context();
    FashionParquet.Samples train = FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 600);
    FashionParquet.Samples test = FashionParquet.read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
        TEST_EXAMPLES);
    JavaRDD<DataSet> trainRdd = sc.parallelize(dataSets(train, 600, 50), 2).cache();
    // 7 DataSets of 50 (the last 30) in 3 partitions: dealt to the 2 workers unevenly
    JavaRDD<DataSet> testRdd = sc.parallelize(dataSets(test, TEST_EXAMPLES, 50), 3).cache();
    RingmasterTrainingMaster tm = new RingmasterTrainingMaster.Builder(2).batchSizePerWorker(32).testData(testRdd)
        .build();
    assertThat(tm.lastEpoch()).isEmpty();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, RingmasterTrainingMasterTest.mlp(new Adam(1e-3)), tm);
    DataSet all = RingmasterTrainingMasterTest.dataSet(test, range(TEST_EXAMPLES));

    double previousLoss = Double.MAX_VALUE;
    for (int fit = 1; fit <= 2; fit++) {
      sparkNet.fit(trainRdd);
      EpochMetrics m = tm.lastEpoch().orElseThrow();
      MultiLayerNetwork net = sparkNet.getNetwork();

      assertThat(m.getSamples()).as("fit %d: every training example once", fit).isEqualTo(600);
      assertThat(m.getTestSamples()).as("fit %d: every test example once", fit).isEqualTo(TEST_EXAMPLES);
      assertThat(m.getTestAccuracy()).as("fit %d: the workers' accuracy is the trained network's", fit)
          .isCloseTo(accuracy(net, all), within(1.0 / TEST_EXAMPLES));
      assertThat(m.getTestLoss()).as("fit %d: the workers' loss is the trained network's", fit)
          .isCloseTo(net.score(all), within(1e-3));
      assertThat(m.getTestLoss()).as("it learns").isLessThan(previousLoss);
      previousLoss = m.getTestLoss();
      assertThat(EpochLines.metrics(m, 1)).matches("Epoch 1/1  train loss \\d+\\.\\d{4}  test loss \\d+\\.\\d{4}"
          + "  test acc \\d+\\.\\d\\d%  .*");
    }
  }

  @Test
  void aTestSetOfAnotherShapeIsRefusedBeforeAnythingTrains() throws Exception {
    JavaSparkContext sc = LocalSpark.context();
    FashionParquet.Samples train = FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 100);
    DataSet narrow = new DataSet(Nd4j.rand(DataType.FLOAT, 4, 783), Nd4j.eye(4).castTo(DataType.FLOAT));
    RingmasterTrainingMaster tm = new RingmasterTrainingMaster.Builder(2).testData(sc.parallelize(List.of(narrow), 2))
        .build();
    assertThatThrownBy(() -> new SparkDl4jMultiLayer(sc, RingmasterTrainingMasterTest.mlp(new Adam(1e-3)), tm)
        .fit(sc.parallelize(dataSets(train, 100, 50), 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test data (Builder.testData) has 783 features and 4 classes")
        .hasMessageContaining("784 and 10");
    assertThat(tm.lastEpoch()).isEmpty();
  }

  private static List<DataSet> dataSets(FashionParquet.Samples s, int examples, int per) {
    List<DataSet> out = new ArrayList<>();
    for (int from = 0; from < examples; from += per) {
      int[] rows = new int[Math.min(per, examples - from)];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = from + i;
      }
      out.add(RingmasterTrainingMasterTest.dataSet(s, rows));
    }
    return out;
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static double accuracy(MultiLayerNetwork net, DataSet t) {
    INDArray predicted = net.output(t.getFeatures()).argMax(1);
    return predicted.eq(t.getLabels().argMax(1)).castTo(DataType.FLOAT).meanNumber().doubleValue();
  }
}
