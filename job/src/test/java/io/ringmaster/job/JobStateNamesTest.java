package io.ringmaster.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * States are shown, stored (the job store's state column) and parsed by their short names, so that the
 * proto's spelling of its values can change without changing what users type and see or what stores hold.
 */
class JobStateNamesTest {
  @Test
  void everyStateRoundTripsThroughTheProtoAndItsShortName() {
    for (JobState s : JobState.values()) {
      io.ringmaster.proto.v1.JobState p = s.toProto();
      assertThat(JobState.fromProto(p)).isEqualTo(s);
      assertThat(JobState.shortName(p)).isEqualTo(s.name());
      assertThat(JobState.parseProto(s.name().toLowerCase(java.util.Locale.ROOT))).contains(p);
      assertThat(JobState.parseProto(p.name())).contains(p);
    }
    assertThat(JobState.shortName(io.ringmaster.proto.v1.JobState.JOB_STATE_UNSPECIFIED)).isEqualTo("UNSPECIFIED");
    assertThat(JobState.parseProto("paused")).isEmpty();
  }
}
