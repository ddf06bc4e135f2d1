package io.ringmaster.coordinator.workers;

import static io.ringmaster.job.devices.NativeBuild.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-out table: each row sets up workers on a fake clock, asks the pool for workers, and says
 * which it must get. Heartbeat window (the job's worker timeout) 6 s everywhere.
 */
class FreeWorkerPoolTest {
  private static final long WINDOW = TimeUnit.SECONDS.toNanos(6);

  /** A pool on a clock the row moves by hand. */
  static final class Fixture {
    long now = 1_000_000_000L;
    final FreeWorkerPool<String> pool = new FreeWorkerPool<>(() -> now);

    Fixture attach(String... ids) {
      for (String id : ids) {
        pool.attached(id);
      }
      return this;
    }

    /** Workers that reported ND4J build {@code build}. */
    Fixture attachBuilt(String build, String... ids) {
      for (String id : ids) {
        pool.attached(id, build);
      }
      return this;
    }

    Fixture beat(String... ids) {
      for (String id : ids) {
        pool.heartbeat(id, WINDOW);
      }
      return this;
    }

    Fixture after(double seconds) {
      now += (long) (seconds * 1e9);
      return this;
    }
  }

  record Row(String name, Consumer<Fixture> setup, Function<FreeWorkerPool<String>, Object> ask, Object expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Optional<List<String>> gang(FreeWorkerPool<String> p, int n) {
    return p.reserveGang(n, WINDOW);
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("a worker that attached but never beat is never chosen",
            f -> f.attach("a").after(1), p -> p.reserveOne(WINDOW, UNKNOWN), Optional.empty()),
        new Row("a worker that beat after attaching is chosen",
            f -> f.attach("a").after(1).beat("a"), p -> p.reserveOne(WINDOW, UNKNOWN), Optional.of("a")),
        new Row("a silent free worker (last beat older than the window) is never chosen",
            f -> f.attach("a", "b").beat("a", "b").after(3).beat("b").after(4),
            p -> gang(p, 1), Optional.of(List.of("b"))),
        new Row("a beat exactly at the window's edge still counts",
            f -> f.attach("a").beat("a").after(6), p -> p.reserveOne(WINDOW, UNKNOWN), Optional.of("a")),
        new Row("a gang is handed out whole: 3 needed, 2 fresh -> none",
            f -> f.attach("a", "b").beat("a", "b"), p -> gang(p, 3), Optional.empty()),
        new Row("a gang is handed out whole: 3 needed, 3 attached but one silent -> none",
            f -> f.attach("a", "b", "c").beat("a", "b", "c").after(5).beat("a", "b").after(2),
            p -> gang(p, 3), Optional.empty()),
        new Row("a refused gang reserves nobody: a 2-gang still gets both afterwards",
            f -> f.attach("a", "b").beat("a", "b").pool.reserveGang(3, WINDOW),
            p -> gang(p, 2), Optional.of(List.of("a", "b"))),
        new Row("a gang comes longest-free first",
            f -> f.attach("a", "b", "c").beat("a", "b", "c").pool.release("a"),
            p -> gang(p, 2), Optional.of(List.of("b", "c"))),
        new Row("reserved workers are not handed out twice",
            f -> f.attach("a", "b").beat("a", "b").pool.reserveGang(2, WINDOW),
            p -> p.reserveOne(WINDOW, UNKNOWN), Optional.empty()),
        new Row("a replacement comes only from fresh workers",
            f -> f.attach("a", "b").beat("a").after(2).beat("b").after(5),
            p -> p.reserveOne(WINDOW, UNKNOWN), Optional.of("b")),
        new Row("a released worker is handed out again (it kept beating while busy)",
            f -> { f.attach("a").beat("a"); f.pool.reserveOne(WINDOW, UNKNOWN); f.after(30).beat("a").pool.release("a"); },
            p -> p.reserveOne(WINDOW, UNKNOWN), Optional.of("a")),
        new Row("an evicted (removed) worker is not chosen even if it still beats on its old session",
            f -> { f.attach("a").beat("a"); f.pool.remove("a"); f.after(1).beat("a"); },
            p -> p.reserveOne(WINDOW, UNKNOWN), Optional.empty()),
        new Row("an evicted worker that attached again is not chosen before it beats",
            f -> { f.attach("a").beat("a"); f.pool.remove("a"); f.after(1).attach("a"); },
            p -> p.reserveOne(WINDOW, UNKNOWN), Optional.empty()),
        new Row("an evicted worker that attached again and beat is chosen",
            f -> { f.attach("a").beat("a"); f.pool.remove("a"); f.after(1).attach("a").after(1).beat("a"); },
            p -> p.reserveOne(WINDOW, UNKNOWN), Optional.of("a")),
        new Row("known counts free and reserved workers, fresh or not",
            f -> { f.attach("a", "b", "c").beat("a", "b"); f.pool.reserveOne(WINDOW, UNKNOWN); },
            FreeWorkerPool::known, 3),
        new Row("ready counts only free fresh workers",
            f -> { f.attach("a", "b", "c", "d").beat("a", "b", "c"); f.pool.reserveOne(WINDOW, UNKNOWN); f.after(1).beat("b"); },
            p -> p.ready(WINDOW), 2),
        new Row("silent free workers: never beat for longer than the limit, or last beat too old; reserved ones not",
            f -> { f.attach("never", "old", "busy", "ok").beat("old", "busy", "ok");
              f.pool.reserveGang(1, WINDOW); // "old" is longest free
              f.pool.release("old"); f.pool.reserveGang(1, WINDOW); // now "busy" is reserved
              f.after(11).beat("ok"); },
            p -> p.silentFree(TimeUnit.SECONDS.toNanos(10)), List.of("never", "old")),
        // one ND4J build per gang
        new Row("a gang is taken from one build only, skipping a longer-free worker of another",
            f -> f.attachBuilt("cpu-avx2", "x").attachBuilt("cpu-generic", "g1", "g2").beat("x", "g1", "g2"),
            p -> gang(p, 2), Optional.of(List.of("g1", "g2"))),
        new Row("enough free workers, but no build has enough: no gang",
            f -> f.attachBuilt("cpu-avx2", "x").attachBuilt("cpu-generic", "g").beat("x", "g"),
            p -> gang(p, 2), Optional.empty()),
        new Row("no gang holds nothing: both workers stay free",
            f -> { f.attachBuilt("cpu-avx2", "x").attachBuilt("cpu-generic", "g").beat("x", "g"); gang(f.pool, 2); },
            p -> p.ready(WINDOW), 2),
        new Row("two builds with enough: the one whose worker has been free longest",
            f -> f.attachBuilt("cpu-generic", "g1").attachBuilt("cpu-avx2", "x1", "x2").attachBuilt("cpu-generic", "g2")
                .beat("g1", "x1", "x2", "g2"),
            p -> gang(p, 2), Optional.of(List.of("g1", "g2"))),
        new Row("a worker that reported no build is unknown and only joins unknown workers",
            f -> f.attach("old").attachBuilt("cpu-avx2", "x").attach("old2").beat("old", "x", "old2"),
            p -> gang(p, 2), Optional.of(List.of("old", "old2"))),
        new Row("a replacement comes only from the ring's build",
            f -> f.attachBuilt("cpu-generic", "g").attachBuilt("cpu-avx2", "x").beat("g", "x"),
            p -> p.reserveOne(WINDOW, "cpu-avx2"), Optional.of("x")),
        new Row("no replacement of the ring's build: none, though another build's worker is free",
            f -> f.attachBuilt("cpu-generic", "g").beat("g"),
            p -> p.reserveOne(WINDOW, "cpu-avx2"), Optional.empty()),
        new Row("ready per build counts free fresh workers of that build",
            f -> f.attachBuilt("cpu-generic", "g1", "g2").attachBuilt("cpu-avx2", "x").beat("g1", "g2", "x"),
            p -> p.ready(WINDOW, "cpu-generic"), 2),
        new Row("ready by build: free fresh workers per build, builds by name",
            f -> f.attachBuilt("cpu-generic", "g1", "g2", "stale").attachBuilt("cpu-avx2", "x").attach("old")
                .beat("g1", "g2", "x", "old"),
            p -> p.readyByBuild(WINDOW), new java.util.TreeMap<>(java.util.Map.of("cpu-avx2", 1, "cpu-generic", 2,
                UNKNOWN, 1))),
        new Row("the build a worker attached with",
            f -> f.attachBuilt("cpu-avx2", "x").attach("old"),
            p -> List.of(p.buildOf("x"), p.buildOf("old")), List.of("cpu-avx2", UNKNOWN)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void handOut(Row row) {
    Fixture f = new Fixture();
    row.setup().accept(f);
    assertThat(row.ask().apply(f.pool)).isEqualTo(row.expected());
  }

  @ParameterizedTest(name = "first heartbeat makes a worker eligible: {0}")
  @MethodSource("eligibility")
  void heartbeatSaysWhenAWorkerBecameEligible(String name, Consumer<Fixture> setup, String who, boolean expected) {
    Fixture f = new Fixture();
    setup.accept(f);
    assertThat(f.pool.heartbeat(who, WINDOW)).as(name).isEqualTo(expected);
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> eligibility() {
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("first beat", (Consumer<Fixture>) f -> f.attach("a"), "a", true),
        org.junit.jupiter.params.provider.Arguments.of("second beat", (Consumer<Fixture>) f -> f.attach("a").beat("a").after(1), "a", false),
        org.junit.jupiter.params.provider.Arguments.of("beat after a silence", (Consumer<Fixture>) f -> f.attach("a").beat("a").after(7), "a", true),
        org.junit.jupiter.params.provider.Arguments.of("reserved worker", (Consumer<Fixture>) f -> f.attach("a").beat("a").pool.reserveOne(WINDOW, UNKNOWN), "a", false),
        org.junit.jupiter.params.provider.Arguments.of("unknown worker", (Consumer<Fixture>) f -> { }, "a", false));
  }
}
