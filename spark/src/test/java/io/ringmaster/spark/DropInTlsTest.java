package io.ringmaster.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.job.security.DevCertificateAuthority;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The drop-in with TLS on every channel of its job ({@code Builder.tls}), on the shared {@link LocalSpark}
 * context: the driver's coordinator serves with the certificate, the tasks' workers present it to the
 * coordinator and to each other (worker servers require a client certificate) and check it against the CA.
 */
class DropInTlsTest {
  @TempDir Path dir;

  @Test
  void aFitTrainsWithTlsOnEveryChannelAndMissingFilesAreNamed() throws Exception {
    JavaSparkContext sc = LocalSpark.context();
    DevCertificateAuthority ca = DevCertificateAuthority.create("drop-in CA", Duration.ofDays(1), Clock.systemUTC());
    Path caFile = ca.write(dir);
    Path cert = ca.issue("spark", List.of("127.0.0.1"), Duration.ofDays(1)).write(dir, "spark");
    FashionParquet.Samples train = FashionParquet.read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 400);
    List<DataSet> dataSets = new ArrayList<>();
    for (int from = 0; from < 400; from += 50) {
      int[] rows = new int[50];
      for (int i = 0; i < 50; i++) {
        rows[i] = from + i;
      }
      dataSets.add(RingmasterTrainingMasterTest.dataSet(train, rows));
    }
    JavaRDD<DataSet> rdd = sc.parallelize(dataSets, 2);

    RingmasterTrainingMaster tm = new RingmasterTrainingMaster.Builder(2).batchSizePerWorker(25)
        .tls(cert.toString(), dir.resolve("spark-key.pem").toString(), caFile.toString()).build();
    new SparkDl4jMultiLayer(sc, RingmasterTrainingMasterTest.mlp(new Adam(1e-3)), tm).fit(rdd);
    assertThat(tm.lastEpoch().orElseThrow().getSamples()).isEqualTo(400);
    assertThat(tm.lastEpoch().orElseThrow().getWorkers()).isEqualTo(2);

    RingmasterTrainingMaster missing = new RingmasterTrainingMaster.Builder(2)
        .tls(cert.toString(), dir.resolve("spark-key.pem").toString(), dir.resolve("no-ca.pem").toString()).build();
    assertThatThrownBy(() -> new SparkDl4jMultiLayer(sc, RingmasterTrainingMasterTest.mlp(new Adam(1e-3)), missing)
        .fit(rdd)).hasMessageContaining("TLS CA bundle " + dir.resolve("no-ca.pem") + ": not readable");
  }
}
