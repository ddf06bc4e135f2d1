package io.ringmaster.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stall watchdog's timing of a step's all-reduce, on a fake clock. */
class StepWaitTest {
  private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(7));
  private final StepWait wait = new StepWait(nanos::get);

  @Test
  void reportsNothingOutsideAnAllReduce() {
    assertThat(wait.step()).isEqualTo(-1);
    assertThat(wait.waitedMillis()).isEqualTo(-1);
  }

  @Test
  void measuresTheWaitOfTheCurrentStepOnTheInjectedClock() {
    wait.started(12);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(4_250));

    assertThat(wait.step()).isEqualTo(12);
    assertThat(wait.waitedMillis()).isEqualTo(4_250);

    wait.ended();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
    assertThat(wait.waitedMillis()).isEqualTo(-1);

    wait.started(13); // the next step's wait starts from zero
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
    assertThat(wait.step()).isEqualTo(13);
    assertThat(wait.waitedMillis()).isEqualTo(10);
  }
}
