package io.ringmaster.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.EpochMetrics;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} must do; run against each implementation by a subclass. */
abstract class JobStoreContractTest {
  JobStore store;

  abstract JobStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  static Job job(String id, long createdAtMs, JobState state) {
    return Job.newBuilder().setId(id).setCreatedAtMs(createdAtMs).setState(state)
        .setSpec(JobSpec.newBuilder().setName("name of " + id).setEpochs(3).setBatchSize(64).setSeed(7))
        .setJobDir("/runs/jobs/" + id)
        .build();
  }

  static CheckpointRef ref(String jobId, int epoch, long step, boolean complete, long createdAtMs) {
    String id = String.format("e%04d-s%06d", epoch, step);
    return CheckpointRef.newBuilder().setJobId(jobId).setId(id).setEpoch(epoch).setStep(step)
        .setEpochComplete(complete).setCreatedAtMs(createdAtMs).setPath("/runs/jobs/" + jobId + "/" + id)
        .setSha256("ab".repeat(32)).setSizeBytes(1234).build();
  }

  static AuditRecord refusal(long timeMs, String tenant, String principal, AuditRecord.Reason reason) {
    return new AuditRecord(timeMs, AuditRecord.Action.REFUSE, "", tenant, principal, "10.0.0.9:4000", "",
        "JobService.CancelJob", reason);
  }

  @Test
  void auditPagesAreNewestFirstFilteredAndContinueBelowTheirCursor() {
    store.audit(new AuditRecord(1000, AuditRecord.Action.SUBMIT, "a1", "team-a", "alice", "h:1", ""));
    store.audit(refusal(1100, "", "sha256:0123456789ab", AuditRecord.Reason.UNKNOWN_TOKEN));
    store.audit(new AuditRecord(1200, AuditRecord.Action.SUBMIT, "b1", "team-b", "bob", "h:2", ""));
    store.audit(refusal(1300, "team-a", "rita", AuditRecord.Reason.ROLE_TOO_WEAK));
    store.audit(new AuditRecord(1400, AuditRecord.Action.CANCEL, "a1", "team-a", "alice", "h:1", "was RUNNING"));

    List<AuditEntry> all = store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 10);
    assertThat(all).extracting(e -> e.record().timeMs()).containsExactly(1400L, 1300L, 1200L, 1100L, 1000L);
    assertThat(all).extracting(AuditEntry::seq).isSortedAccordingTo(java.util.Comparator.reverseOrder())
        .doesNotHaveDuplicates();
    assertThat(all.get(1).record()).isEqualTo(refusal(1300, "team-a", "rita", AuditRecord.Reason.ROLE_TOO_WEAK));

    List<AuditEntry> first = store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 2);
    assertThat(store.auditPage(AuditQuery.ALL, first.get(1).seq(), 2)).extracting(e -> e.record().timeMs())
        .containsExactly(1200L, 1100L);

    assertThat(store.auditPage(new AuditQuery("team-a", 0, java.util.Set.of(), null), Long.MAX_VALUE, 10))
        .extracting(e -> e.record().timeMs()).containsExactly(1400L, 1300L, 1000L);
    assertThat(store.auditPage(new AuditQuery("", 0, java.util.Set.of(), null), Long.MAX_VALUE, 10))
        .extracting(e -> e.record().reason()).containsExactly(AuditRecord.Reason.UNKNOWN_TOKEN);
    assertThat(store.auditPage(new AuditQuery(null, 1200, java.util.Set.of(), null), Long.MAX_VALUE, 10))
        .extracting(e -> e.record().timeMs()).containsExactly(1400L, 1300L, 1200L);
    assertThat(store.auditPage(new AuditQuery(null, 0, java.util.Set.of(AuditRecord.Action.SUBMIT,
        AuditRecord.Action.CANCEL), null), Long.MAX_VALUE, 10)).extracting(e -> e.record().timeMs())
        .containsExactly(1400L, 1200L, 1000L);
    assertThat(store.auditPage(new AuditQuery("team-a", 1100, java.util.Set.of(AuditRecord.Action.REFUSE), null),
        Long.MAX_VALUE, 10)).extracting(e -> e.record().principal()).containsExactly("rita");
    assertThat(store.auditPage(new AuditQuery(null, 0, java.util.Set.of(), "a1"), Long.MAX_VALUE, 10))
        .extracting(e -> e.record().action()).containsExactly(AuditRecord.Action.CANCEL, AuditRecord.Action.SUBMIT);
    assertThat(store.auditPage(new AuditQuery(null, 5000, java.util.Set.of(), null), Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void auditRetentionDeletesOnlyOlderRecordsAndSeqsAreNotReused() {
    store.audit(new AuditRecord(1000, AuditRecord.Action.SUBMIT, "a1", "team-a", "alice", "h:1", ""));
    store.audit(refusal(2000, "", "", AuditRecord.Reason.NO_TOKEN));
    store.audit(new AuditRecord(3000, AuditRecord.Action.CANCEL, "a1", "team-a", "alice", "h:1", ""));
    long newest = store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 1).get(0).seq();

    assertThat(store.deleteAuditBefore(2000)).isEqualTo(1);
    assertThat(store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 10)).extracting(e -> e.record().timeMs())
        .containsExactly(3000L, 2000L);
    assertThat(store.deleteAuditBefore(2000)).isZero();
    store.audit(new AuditRecord(4000, AuditRecord.Action.DELETE, "a1", "team-a", "alice", "h:1", ""));
    assertThat(store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 1).get(0).seq()).isGreaterThan(newest);
  }

  @Test
  void pagesOfOneTenantHoldOnlyItsJobsInOrder() {
    store.put(job("a1", 100, JobState.JOB_STATE_QUEUED).toBuilder().setTenant("team-a").build());
    store.put(job("b1", 200, JobState.JOB_STATE_RUNNING).toBuilder().setTenant("team-b").build());
    store.put(job("a2", 300, JobState.JOB_STATE_FAILED).toBuilder().setTenant("team-a").build());
    store.put(job("n1", 400, JobState.JOB_STATE_QUEUED)); // no tenant (stored before tenants, or auth off)

    assertThat(store.page(List.of(), "team-a", null, 10)).extracting(Job::getId).containsExactly("a2", "a1");
    assertThat(store.page(List.of(JobState.JOB_STATE_QUEUED), "team-a", null, 10)).extracting(Job::getId)
        .containsExactly("a1");
    assertThat(store.page(List.of(), "team-a", JobCursor.of(store.get("a2").orElseThrow()), 10))
        .extracting(Job::getId).containsExactly("a1");
    assertThat(store.page(List.of(), "", null, 10)).extracting(Job::getId).containsExactly("n1");
    assertThat(store.page(List.of(), null, null, 10)).hasSize(4);
    assertThat(store.page(List.of(), "team-c", null, 10)).isEmpty();
  }

  @Test
  void auditRecordsReadBackInOrderAndOutliveTheirJob() {
    store.put(job("a1", 100, JobState.JOB_STATE_QUEUED).toBuilder().setTenant("team-a").build());
    AuditRecord submit = new AuditRecord(1000, AuditRecord.Action.SUBMIT, "a1", "team-a", "alice", "10.0.0.1:5000",
        "fashion");
    AuditRecord cancel = new AuditRecord(2000, AuditRecord.Action.CANCEL, "a1", "team-a", "alice", "10.0.0.1:5001",
        "was QUEUED, now CANCELLED");
    AuditRecord other = new AuditRecord(1500, AuditRecord.Action.SUBMIT, "b1", "team-b", "bob", "10.0.0.2:5000", "");
    store.audit(submit);
    store.audit(other);
    store.audit(cancel);
    store.delete("a1");
    store.audit(new AuditRecord(3000, AuditRecord.Action.DELETE, "a1", "", "anonymous", "unknown", "was CANCELLED"));

    assertThat(store.auditTrail("a1")).extracting(AuditRecord::action).containsExactly(AuditRecord.Action.SUBMIT,
        AuditRecord.Action.CANCEL, AuditRecord.Action.DELETE);
    assertThat(store.auditTrail("a1").get(0)).isEqualTo(submit);
    assertThat(store.auditTrail("b1")).containsExactly(other);
    assertThat(store.auditTrail("nope")).isEmpty();
  }

  @Test
  void storedJobReadsBackEqual() {
    Job j = job("a-000001", 1000, JobState.JOB_STATE_RUNNING).toBuilder()
        .addEpochs(EpochMetrics.newBuilder().setEpoch(1).setTrainLoss(0.5).setTestAccuracy(0.81))
        .setLatestCheckpoint(ref("a-000001", 1, 10, true, 5)).build();
    store.put(j);

    assertThat(store.get("a-000001")).contains(j);
    assertThat(store.get("missing")).isEmpty();
    assertThat(store.list()).containsExactly(j);
  }

  @Test
  void putReplacesTheJobWithTheSameId() {
    store.put(job("a", 1000, JobState.JOB_STATE_QUEUED));
    Job running = job("a", 1000, JobState.JOB_STATE_RUNNING).toBuilder().setMessage("epoch 1").build();
    store.put(running);

    assertThat(store.list()).containsExactly(running);
    assertThat(store.listInState(EnumSet.of(JobState.JOB_STATE_QUEUED))).isEmpty();
    assertThat(store.listInState(EnumSet.of(JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_RECOVERING))).containsExactly(running);
  }

  @Test
  void listIsNewestFirstThenById() {
    store.put(job("old", 1000, JobState.JOB_STATE_SUCCEEDED));
    store.put(job("new-b", 3000, JobState.JOB_STATE_RUNNING));
    store.put(job("mid", 2000, JobState.JOB_STATE_FAILED));
    store.put(job("new-a", 3000, JobState.JOB_STATE_QUEUED));

    assertThat(store.list()).extracting(Job::getId).containsExactly("new-a", "new-b", "mid", "old");
    assertThat(store.listInState(EnumSet.of(JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_RUNNING)))
        .extracting(Job::getId).containsExactly("new-b", "old");
  }

  @Test
  void pagesReturnEveryJobOnceNewestFirstWhileJobsAreAdded() {
    for (int i = 0; i < 25; i++) {
      store.put(job(String.format("j%03d", i), 1000 + i / 3, JobState.JOB_STATE_SUCCEEDED)); // ties on created time
    }
    List<String> seen = new ArrayList<>();
    JobCursor after = null;
    int added = 0;
    while (true) {
      List<Job> page = store.page(List.of(), after, 4);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(j -> seen.add(j.getId()));
      after = JobCursor.of(page.get(page.size() - 1));
      store.put(job("late" + added++, 5000 + added, JobState.JOB_STATE_QUEUED)); // newer than every cursor
    }

    List<String> expected = store.list().stream().map(Job::getId).filter(id -> id.startsWith("j")).toList();
    assertThat(seen).containsExactlyElementsOf(expected).doesNotHaveDuplicates().hasSize(25);
    assertThat(added).isEqualTo(7);
  }

  @Test
  void pageFiltersByStateAndLimits() {
    store.put(job("q1", 1000, JobState.JOB_STATE_QUEUED));
    store.put(job("f1", 2000, JobState.JOB_STATE_FAILED));
    store.put(job("s1", 3000, JobState.JOB_STATE_SUCCEEDED));
    store.put(job("f2", 4000, JobState.JOB_STATE_FAILED));

    assertThat(store.page(EnumSet.of(JobState.JOB_STATE_FAILED, JobState.JOB_STATE_SUCCEEDED), null, 2))
        .extracting(Job::getId).containsExactly("f2", "s1");
    assertThat(store.page(EnumSet.of(JobState.JOB_STATE_FAILED, JobState.JOB_STATE_SUCCEEDED), new JobCursor(3000, "s1"), 2))
        .extracting(Job::getId).containsExactly("f1");
    assertThat(store.page(List.of(), new JobCursor(1000, "q1"), 10)).isEmpty();
    assertThatThrownBy(() -> store.page(List.of(), null, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be >= 1");
  }

  @Test
  void deleteForgetsTheJobAndItsCheckpointReferences() {
    store.put(job("gone", 1000, JobState.JOB_STATE_SUCCEEDED));
    store.put(job("kept", 2000, JobState.JOB_STATE_SUCCEEDED));
    store.addCheckpoint(ref("gone", 1, 10, true, 5));
    store.addCheckpoint(ref("kept", 1, 10, true, 5));

    assertThat(store.delete("gone")).isTrue();
    assertThat(store.delete("gone")).isFalse();
    assertThat(store.get("gone")).isEmpty();
    assertThat(store.checkpoints("gone")).isEmpty();
    assertThat(store.list()).extracting(Job::getId).containsExactly("kept");
    assertThat(store.page(List.of(), null, 10)).extracting(Job::getId).containsExactly("kept");
    assertThat(store.checkpoints("kept")).hasSize(1);
  }

  @Test
  void jobWithoutIdIsRefused() {
    assertThatThrownBy(() -> store.put(Job.newBuilder().setState(JobState.JOB_STATE_QUEUED).build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without an id");
  }

  @Test
  void checkpointsAreNewestFirstPerJobAndCanBeRemoved() {
    store.addCheckpoint(ref("j", 1, 50, false, 100));
    store.addCheckpoint(ref("j", 2, 10, false, 300));
    store.addCheckpoint(ref("j", 1, 100, true, 200));
    store.addCheckpoint(ref("other", 9, 9, false, 900));

    assertThat(store.checkpoints("j")).extracting(CheckpointRef::getId)
        .containsExactly("e0002-s000010", "e0001-s000100", "e0001-s000050");
    assertThat(store.checkpoints("nobody")).isEmpty();

    assertThat(store.removeCheckpoint("j", "e0001-s000100")).isTrue();
    assertThat(store.removeCheckpoint("j", "e0001-s000100")).isFalse();
    assertThat(store.checkpoints("j")).extracting(CheckpointRef::getId)
        .containsExactly("e0002-s000010", "e0001-s000050");
    assertThat(store.checkpoints("other")).hasSize(1);
  }

  @Test
  void addingTheSameCheckpointIdReplacesItsReference() {
    store.addCheckpoint(ref("j", 1, 100, false, 100));
    CheckpointRef complete = ref("j", 1, 100, true, 200);
    store.addCheckpoint(complete);

    assertThat(store.checkpoints("j")).containsExactly(complete);
  }

  @Test
  void concurrentWritersLoseNothing() throws Exception {
    int threads = 4;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await(10, TimeUnit.SECONDS);
          for (int i = 0; i < perThread; i++) {
            String id = "t" + thread + "-" + i;
            store.put(job(id, thread * 1000L + i, JobState.JOB_STATE_QUEUED));
            store.put(job(id, thread * 1000L + i, JobState.JOB_STATE_RUNNING));
            store.addCheckpoint(ref(id, 1, i, false, i));
            assertThat(store.get(id)).isPresent();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.list()).hasSize(threads * perThread).allMatch(j -> j.getState() == JobState.JOB_STATE_RUNNING);
    assertThat(store.checkpoints("t3-24")).hasSize(1);
  }
}
