package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.coordinator.workers.FreeWorkerPool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Gang admission on a fake clock: start timeout 60 s, backfill bound 60 s, worker timeout 6 s. */
class GangAdmissionTest {
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(6);

  private long now = 1_000_000_000L;
  private final FreeWorkerPool<String> pool = new FreeWorkerPool<>(() -> now);
  private final GangAdmission<String> admission = new GangAdmission<>(pool, () -> now, Duration.ofSeconds(60),
      Duration.ofSeconds(60));

  private void workers(String... ids) {
    for (String id : ids) {
      pool.attached(id);
      pool.heartbeat(id, TIMEOUT);
    }
  }

  private void workersOfBuild(String build, String... ids) {
    for (String id : ids) {
      pool.attached(id, build);
      pool.heartbeat(id, TIMEOUT);
    }
  }

  private void beatAll(String... ids) {
    for (String id : ids) {
      pool.heartbeat(id, TIMEOUT);
    }
  }

  private GangAdmission.Waiting job(String id, int workers, double queuedSecondsAgo) {
    return new GangAdmission.Waiting(id, workers, TIMEOUT, now - (long) (queuedSecondsAgo * 1e9));
  }

  private void after(double seconds) {
    now += (long) (seconds * 1e9);
  }

  @Test
  void aJobThatNeedsMoreWorkersThanAreFreeWaitsWithTheNumbersAndHoldsNone() {
    workers("a", "b");
    var round = admission.round(List.of(job("big", 3, 0)), 1);
    assertThat(round.admitted()).isEmpty();
    assertThat(round.timedOut()).isEmpty();
    assertThat(round.waiting()).containsEntry("big", "waiting for 3 worker(s): 2 free, 2 attached");
    assertThat(pool.ready(TIMEOUT)).as("no worker is held for the waiting job").isEqualTo(2);
  }

  @Test
  void aGangIsHandedOutWholeWhenEnoughFreshWorkersAreFree() {
    workers("a", "b", "c");
    var round = admission.round(List.of(job("j", 3, 0)), 1);
    assertThat(round.admitted()).singleElement().satisfies(a -> {
      assertThat(a.jobId()).isEqualTo("j");
      assertThat(a.gang()).containsExactly("a", "b", "c");
    });
    assertThat(pool.ready(TIMEOUT)).isZero();
  }

  @Test
  void aSilentWorkerDoesNotCompleteAGang() {
    workers("a", "b", "c");
    after(5);
    beatAll("a", "b");
    after(2); // c last beat 7 s ago, beyond the job's 6 s worker timeout
    var round = admission.round(List.of(job("j", 3, 0)), 1);
    assertThat(round.admitted()).isEmpty();
    assertThat(round.waiting()).containsEntry("j", "waiting for 3 worker(s): 2 free, 3 attached");
  }

  @Test
  void aSmallerJobBehindABigOneStartsWhileTheBigOneHasWaitedLessThanTheBound() {
    workers("a", "b");
    var round = admission.round(List.of(job("big", 3, 10), job("small", 2, 5)), 1);
    assertThat(round.admitted()).extracting(GangAdmission.Admitted::jobId).containsExactly("small");
    assertThat(round.waiting().get("big")).startsWith("waiting for 3 worker(s): 0 free, 2 attached")
        .contains("all job slots are taken");
  }

  @Test
  void noBackfillOnceTheJobInFrontHasWaitedForTheBound() {
    workers("a", "b", "c");
    var round = admission.round(List.of(job("big", 4, 60), job("small", 2, 30)), 1);
    assertThat(round.admitted()).isEmpty();
    assertThat(round.waiting().get("small")).contains("queued behind job big");
    assertThat(pool.ready(TIMEOUT)).isEqualTo(3);
  }

  @Test
  void jobsStartInSubmissionOrderWhenBothFit() {
    workers("a", "b");
    var round = admission.round(List.of(job("first", 2, 1), job("second", 2, 0)), 1);
    assertThat(round.admitted()).extracting(GangAdmission.Admitted::jobId).containsExactly("first");
    assertThat(round.waiting()).containsOnlyKeys("second");
  }

  @Test
  void noJobStartsWithoutAFreeJobSlot() {
    workers("a", "b");
    var round = admission.round(List.of(job("j", 2, 0)), 0);
    assertThat(round.admitted()).isEmpty();
    assertThat(round.waiting().get("j")).startsWith("waiting for 2 worker(s): 2 free, 2 attached")
        .contains("concurrent jobs");
    assertThat(pool.ready(TIMEOUT)).isEqualTo(2);
  }

  @Test
  void failsAfterTheStartTimeoutWhenTooFewWorkersAreAttachedWithTheNumbers() {
    workers("a", "b");
    assertThat(admission.round(List.of(job("big", 3, 0)), 1).timedOut()).isEmpty();
    after(59);
    beatAll("a", "b");
    assertThat(admission.round(List.of(job("big", 3, 59)), 1).timedOut()).isEmpty();
    after(1);
    var round = admission.round(List.of(job("big", 3, 60)), 1);
    assertThat(round.timedOut()).singleElement().satisfies(t -> {
      assertThat(t.jobId()).isEqualTo("big");
      assertThat(t.message()).contains("needs 3 worker(s) but only 2 worker(s) attached")
          .contains("for 60.0 s").contains("start timeout 60 s");
    });
    assertThat(round.waiting()).isEmpty();
  }

  @Test
  void theStartTimeoutRestartsWhenEnoughWorkersAreAttachedAgain() {
    workers("a", "b");
    admission.round(List.of(job("big", 3, 0)), 1);
    after(40);
    workers("c"); // enough attached: the clock stops (c is silent, so the job still cannot start)
    after(7);
    assertThat(admission.round(List.of(job("big", 3, 47)), 1).timedOut()).isEmpty();
    pool.remove("c");
    assertThat(admission.round(List.of(job("big", 3, 47)), 1).timedOut()).isEmpty();
    after(40);
    assertThat(admission.round(List.of(job("big", 3, 87)), 1).timedOut())
        .as("short again for only 40 s").isEmpty();
    after(20);
    assertThat(admission.round(List.of(job("big", 3, 107)), 1).timedOut()).hasSize(1);
  }

  @Test
  void aJobWaitingOnlyForBusyWorkersNeverTimesOut() {
    workers("a", "b");
    pool.reserveGang(2, TIMEOUT);
    after(600);
    var round = admission.round(List.of(job("j", 2, 600)), 1);
    assertThat(round.timedOut()).isEmpty();
    assertThat(round.waiting()).containsEntry("j", "waiting for 2 worker(s): 0 free, 2 attached");
  }

  @Test
  void aJobWaitsWithTheFreeWorkersPerBuildWhenNoBuildHasEnough() {
    workersOfBuild("cpu-avx2", "x");
    workersOfBuild("cpu-generic", "g");
    var round = admission.round(List.of(job("j", 2, 0)), 1);
    assertThat(round.admitted()).isEmpty();
    assertThat(round.waiting()).containsEntry("j",
        "waiting for 2 worker(s) of one ND4J build: 1 cpu-avx2, 1 cpu-generic free, 2 attached");
    assertThat(pool.ready(TIMEOUT)).as("no worker is held for the waiting job").isEqualTo(2);
  }

  @Test
  void aJobStartsOnOneBuildOnceEnoughOfItAreFreeAndLeavesTheOtherBuildFree() {
    workersOfBuild("cpu-avx2", "x");
    workersOfBuild("cpu-generic", "g1");
    admission.round(List.of(job("j", 2, 0)), 1);
    workersOfBuild("cpu-generic", "g2");
    var round = admission.round(List.of(job("j", 2, 1)), 1);
    assertThat(round.admitted()).singleElement().satisfies(a -> assertThat(a.gang()).containsExactly("g1", "g2"));
    assertThat(pool.readyByBuild(TIMEOUT)).containsExactly(java.util.Map.entry("cpu-avx2", 1));
  }

  @Test
  void mixedBuildsAreNotAStartTimeout() {
    workersOfBuild("cpu-avx2", "x");
    workersOfBuild("cpu-generic", "g");
    admission.round(List.of(job("j", 2, 0)), 1);
    after(120);
    beatAll("x", "g");
    var round = admission.round(List.of(job("j", 2, 120)), 1);
    assertThat(round.timedOut()).as("enough workers are attached; the job waits for one build to have enough")
        .isEmpty();
    assertThat(round.waiting().get("j")).contains("1 cpu-avx2, 1 cpu-generic free");
  }
}
