package io.ringmaster.bench.multihost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The multi-host benchmark's pure parts: options, iperf3's report, the summary table. */
class MultiHostBenchTest {
  @Test
  void optionsHaveDefaultsAndRefuseWhatCannotRun() {
    MultiHostOptions o = MultiHostOptions.parse("--mlp-data=/d/mlp", "--lenet-data=/d/lenet", "--rounds=2");
    assertThat(o.rates()).containsExactly("1gbit", "10gbit");
    assertThat(o.workers()).containsExactly(2, 3);
    assertThat(o.ratesInRound(0)).containsExactly("1gbit", "10gbit");
    assertThat(o.ratesInRound(1)).as("alternating order").containsExactly("10gbit", "1gbit");
    assertThat(MultiHostOptions.parse("--models=mlp", "--mlp-data=/d").lenetData()).isNull();

    assertThatThrownBy(() -> MultiHostOptions.parse("--workers=2,4", "--mlp-data=/d", "--lenet-data=/e"))
        .hasMessageContaining("ring sizes 2 or 3");
    assertThatThrownBy(() -> MultiHostOptions.parse("--models=lenet")).hasMessageContaining("--lenet-data=DIR");
    assertThatThrownBy(() -> MultiHostOptions.parse("--speed=1")).hasMessageContaining("unknown argument '--speed=1'");
  }

  @Test
  void iperfReportGivesTheReceiversRate() throws Exception {
    String out = "warning: something\n{\"start\": {}, \"end\": {\"sum_sent\": {\"bits_per_second\": 9.6e8},"
        + " \"sum_received\": {\"bits_per_second\": 9.44e8}}}\n";
    assertThat(Iperf.receivedMegabytesPerSecond(out)).isEqualTo(118.0);
    assertThatThrownBy(() -> Iperf.receivedMegabytesPerSecond("{\"error\": \"unable to connect\"}"))
        .hasMessageContaining("end.sum_received.bits_per_second");
  }

  @Test
  void theSummaryHasAColumnPerCapMediansAndBusOverTcp() {
    MultiHostOptions o = MultiHostOptions.parse("--models=mlp", "--mlp-data=/d", "--rates=1gbit,10gbit");
    Map<String, List<Double>> r = new LinkedHashMap<>();
    r.put("TCP (iperf3) MB/s\u00001gbit", List.of(118.0, 117.0, 119.0));
    r.put("TCP (iperf3) MB/s\u000010gbit", List.of(1000.0));
    r.put("all-reduce 4 MiB, 2 ranks: bus MB/s\u00001gbit", List.of(40.0));
    r.put("all-reduce 4 MiB, 2 ranks: bus MB/s, mean of back-to-back calls\u00001gbit", List.of(59.0));
    String table = MultiHostBench.summary(r, o);
    assertThat(table).contains("| figure | 1gbit | 10gbit |")
        .contains("| TCP (iperf3) MB/s | 118 | 1000 |")
        .contains("| all-reduce 4 MiB, 2 ranks: bus MB/s | 40.0 | - |")
        .contains("| all-reduce 4 MiB, 2 ranks: bus MB/s, mean of back-to-back calls | 59.0 | - |")
        .contains("| all-reduce 4 MiB, 2 ranks: bus (mean) / TCP | 0.50 | - |");
    assertThat(MultiHostBench.jobYaml("mlp", 3, MultiHostOptions.parse("--models=mlp", "--mlp-data=/d")))
        .contains("workers: 3").contains("path: /d/train-images.idx").contains("hidden: [256, 128]");
  }
}
