package io.ringmaster.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.cli.TestJobs;
import io.ringmaster.proto.v1.BuiltinModel;
import io.ringmaster.proto.v1.ModelSpec;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FmtTest {

  @Test
  void numbers() {
    assertThat(Fmt.count(60_000)).isEqualTo("60,000");
    assertThat(Fmt.rate(4870.4)).isEqualTo("4,870");
    assertThat(Fmt.rate(Double.NaN)).isEqualTo("-");
    assertThat(Fmt.loss(0.38491)).isEqualTo("0.3849");
    assertThat(Fmt.loss(Double.NaN)).isEqualTo("nan");
    assertThat(Fmt.percent(0.8515)).isEqualTo("85.15%");
    assertThat(Fmt.seconds(12.34)).isEqualTo("12.3 s");
  }

  @Test
  void clockAndTimestamps() {
    assertThat(Fmt.clock(32)).isEqualTo("0:32");
    assertThat(Fmt.clock(3723)).isEqualTo("1:02:03");
    assertThat(Fmt.clock(-5)).isEqualTo("0:00");
    assertThat(Fmt.timestamp(TestJobs.T0, ZoneOffset.UTC)).isEqualTo("2025-01-02 03:04:05");
    assertThat(Fmt.timestamp(0, ZoneOffset.UTC)).isEqualTo("-");
  }

  @Test
  void models() {
    assertThat(Fmt.model(TestJobs.spec(1, 1))).isEqualTo("mlp [256, 128] relu");
    assertThat(Fmt.model(TestJobs.spec(1, 1).toBuilder().setModel(ModelSpec.newBuilder()
        .setBuiltin(BuiltinModel.newBuilder().setArchitecture("lenet"))).build())).isEqualTo("lenet");
    assertThat(Fmt.model(TestJobs.spec(1, 1).toBuilder().setModel(ModelSpec.newBuilder()
        .setDl4JJson("{}")).build())).isEqualTo("dl4j-json");
  }
}
