package io.ringmaster.coordinator.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.Paused;
import io.ringmaster.proto.v1.ResumePoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryPlanTest {
  static RecoveryPlan.Survivor at(String id, int epoch, long step) {
    return new RecoveryPlan.Survivor(id, Paused.newBuilder().setEpoch(epoch).setCompletedSteps(step)
        .setHoldsState(true).build());
  }

  static List<String> summary(RecoveryPlan p) {
    return p.members().stream().map(m -> m.rank() + ":" + m.workerId() + ":" + source(m.resume())).toList();
  }

  static String source(ResumePoint r) {
    return switch (r.getSourceCase()) {
      case LOCAL -> "local";
      case PEER_RANK -> "peer" + r.getPeerRank();
      case CHECKPOINT_ID -> "ckpt:" + r.getCheckpointId();
      case FRESH -> "fresh";
      default -> "?";
    };
  }

  @Test
  void survivorsAtTheSameStepKeepTheirReplicasAndJoinersCopyRankZero() {
    RecoveryPlan p = RecoveryPlan.plan(List.of(at("a", 1, 153), at("c", 1, 153)), List.of("new"), null, 3);
    assertThat(summary(p)).containsExactly("0:a:local", "1:c:local", "2:new:peer0");
    assertThat(p.epoch()).isEqualTo(1);
    assertThat(p.step()).isEqualTo(153);
  }

  @Test
  void resumesAtTheMostAdvancedSurvivorAndLaggardsCopyIt() {
    // the ring broke during an all-gather: b applied step 154, a did not
    RecoveryPlan p = RecoveryPlan.plan(List.of(at("a", 1, 153), at("b", 1, 154)), List.of(), null, 3);
    assertThat(p.step()).isEqualTo(154);
    assertThat(summary(p)).containsExactly("0:a:peer1", "1:b:local");
  }

  @Test
  void laterEpochWinsOverMoreSteps() {
    RecoveryPlan p = RecoveryPlan.plan(List.of(at("a", 1, 468), at("b", 2, 0)), List.of(), null, 2);
    assertThat(p.epoch()).isEqualTo(2);
    assertThat(summary(p)).containsExactly("0:a:peer1", "1:b:local");
  }

  @Test
  void withoutSurvivorsEveryoneLoadsTheCheckpoint() {
    CheckpointRef ref = CheckpointRef.newBuilder().setId("e0002-s000100").build();
    RecoveryPlan p = RecoveryPlan.plan(List.of(), List.of("x", "y"),
        new RecoveryPlan.CheckpointCursor(ref, 2, 100), 4);
    assertThat(summary(p)).containsExactly("0:x:ckpt:e0002-s000100", "1:y:ckpt:e0002-s000100");
    assertThat(p.epoch()).isEqualTo(2);
    assertThat(p.step()).isEqualTo(100);
  }

  @Test
  void withoutSurvivorsOrCheckpointTheJobStartsFresh() {
    RecoveryPlan p = RecoveryPlan.plan(List.of(), List.of("x", "y", "z"), null, 3);
    assertThat(summary(p)).containsExactly("0:x:fresh", "1:y:fresh", "2:z:fresh");
    assertThat(p.epoch()).isEqualTo(1);
    assertThat(p.step()).isZero();
  }

  @Test
  void neverExceedsMaxWorkersAndPrefersSurvivors() {
    RecoveryPlan p = RecoveryPlan.plan(List.of(at("a", 1, 5), at("b", 1, 5)), List.of("j1", "j2"), null, 3);
    assertThat(summary(p)).containsExactly("0:a:local", "1:b:local", "2:j1:peer0");
  }

  @Test
  void anEmptyRingIsRefused() {
    assertThatThrownBy(() -> RecoveryPlan.plan(List.of(), List.of(), null, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
