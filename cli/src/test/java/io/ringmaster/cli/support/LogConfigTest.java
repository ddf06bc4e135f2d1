package io.ringmaster.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogConfigTest {

  @Test
  void firstCommandSkipsOptions() {
    assertThat(LogConfig.firstCommand(new String[] {"--version"})).isNull();
    assertThat(LogConfig.firstCommand(new String[] {"-h", "coordinator", "--port", "1"})).isEqualTo("coordinator");
    assertThat(LogConfig.firstCommand(new String[] {"worker", "--coordinator", "h:1"})).isEqualTo("worker");
  }

  @Test
  void theCliLoggingConfigurationIsOnTheClasspath() {
    assertThat(LogConfig.class.getClassLoader().getResource(LogConfig.CONFIG)).isNotNull();
  }
}
