package io.ringmaster.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * ONE {@code local[2]} SparkContext for every in-process Spark test of the surefire JVM (the drop-in is a
 * library API and {@code --coordinator} a driver-side path, so no SparkSubmit launch is needed): created on
 * first use, stopped when the JVM exits.
 */
final class LocalSpark {
  private static JavaSparkContext context;

  private LocalSpark() {}

  static synchronized JavaSparkContext context() {
    if (context == null) {
      context = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("ringmaster-spark-tests")
          .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
      JavaSparkContext sc = context;
      Runtime.getRuntime().addShutdownHook(new Thread(sc::stop, "stop-local-spark"));
    }
    return context;
  }

  static SparkSession session() {
    return SparkSession.builder().sparkContext(context().sc()).getOrCreate();
  }
}
