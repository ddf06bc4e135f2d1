package io.ringmaster.worker.collective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ring schedule's arithmetic: segments tile the vector, chunks tile segments, steps line up. */
class RingScheduleTest {

  @ParameterizedTest(name = "N={0} length={1} chunk={2}")
  @CsvSource({"1,10,4", "2,0,4", "2,1,4", "3,2,4", "3,7,2", "4,3,1", "4,1000003,1024", "5,17,3", "7,100,100"})
  void segmentsAndChunksTileTheVectorExactlyOnce(int n, int length, int chunk) {
    RingSchedule s = new RingSchedule(n, 0, length, chunk);
    int[] covered = new int[length];
    int next = 0;
    for (int seg = 0; seg < n; seg++) {
      assertThat(s.segmentStart(seg)).isEqualTo(next);
      assertThat(s.chunks(seg)).isGreaterThanOrEqualTo(1);
      for (int c = 0; c < s.chunks(seg); c++) {
        assertThat(s.chunkOffset(seg, c)).isEqualTo(next);
        int len = s.chunkLength(seg, c);
        assertThat(len).isBetween(0, chunk);
        for (int i = next; i < next + len; i++) {
          covered[i]++;
        }
        next += len;
      }
      assertThat(next).isEqualTo(s.segmentStart(seg) + s.segmentLength(seg));
    }
    assertThat(next).isEqualTo(length);
    for (int i = 0; i < length; i++) {
      assertThat(covered[i]).as("element %d", i).isEqualTo(1);
    }
    // balanced: segment lengths differ by at most one element
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int seg = 0; seg < n; seg++) {
      min = Math.min(min, s.segmentLength(seg));
      max = Math.max(max, s.segmentLength(seg));
    }
    assertThat(max - min).isLessThanOrEqualTo(1);
  }

  @ParameterizedTest(name = "N={0}")
  @CsvSource({"2", "3", "4", "5"})
  void everyRankEndsReduceScatterOwningOneDistinctSegmentAndGathersAllOthers(int n) {
    boolean[] owned = new boolean[n];
    for (int rank = 0; rank < n; rank++) {
      RingSchedule s = new RingSchedule(n, rank, 1000, 7);
      assertThat(s.steps()).isEqualTo(2 * (n - 1));
      // what rank r receives at step k is what its right neighbour... rank r+1 receives at step k from r
      RingSchedule right = new RingSchedule(n, (rank + 1) % n, 1000, 7);
      for (int k = 0; k < s.steps(); k++) {
        assertThat(right.recvSegment(k)).as("rank %d step %d", rank, k).isEqualTo(s.sendSegment(k));
        if (k > 0) {
          assertThat(s.sendSegment(k)).isEqualTo(s.recvSegment(k - 1)); // forward what just arrived
        }
        assertThat(s.isReduceStep(k)).isEqualTo(k < n - 1);
      }
      int complete = s.recvSegment(n - 2); // last reduce-scatter step completes this segment
      assertThat(complete).isEqualTo((rank + 1) % n);
      owned[complete] = true;
      boolean[] gathered = new boolean[n];
      gathered[complete] = true;
      for (int k = n - 1; k < s.steps(); k++) {
        gathered[s.recvSegment(k)] = true;
      }
      assertThat(gathered).as("rank %d holds every complete segment after all-gather", rank)
          .containsOnly(true);
    }
    assertThat(owned).containsOnly(true);
  }

  @ParameterizedTest(name = "N={0} length={1}")
  @CsvSource({"2,0", "3,1", "4,3", "4,10000", "3,100"})
  void framesPerOpCountEmptySegmentsAsOneFrame(int n, int length) {
    RingSchedule s = new RingSchedule(n, 1 % n, length, 16);
    int expected = 0;
    for (int k = 0; k < s.steps(); k++) {
      int seg = s.recvSegment(k);
      expected += s.segmentLength(seg) == 0 ? 1 : (s.segmentLength(seg) + 15) / 16;
    }
    assertThat(s.totalFrames()).isEqualTo(expected).isGreaterThanOrEqualTo(s.steps());
  }

  @ParameterizedTest
  @CsvSource({"0,0,1,1", "2,2,1,1", "2,0,-1,1", "2,0,1,0"})
  void rejectsInconsistentArguments(int n, int rank, int length, int chunk) {
    assertThatThrownBy(() -> new RingSchedule(n, rank, length, chunk))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
