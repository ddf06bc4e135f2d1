package io.ringmaster.coordinator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ringmaster.coordinator.store.AuditEntry;
import io.ringmaster.coordinator.store.AuditQuery;
import io.ringmaster.coordinator.store.AuditRecord;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The audit trail on a fake clock: refusals bounded in rate (counted beyond it, never lost), retention. */
class AuditTrailTest {
  static final long T0 = 1_800_000_000_000L;
  final AtomicLong clock = new AtomicLong(T0);
  final InMemoryJobStore store = new InMemoryJobStore();
  final AuditTrail trail = new AuditTrail(store, clock::get);
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger logger = (Logger) LoggerFactory.getLogger(AuditTrail.LOGGER);

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  boolean refuse() {
    return trail.refused("sha256:0123456789ab", "", "10.0.0.9:4000", "JobService.ListJobs", "",
        AuditRecord.Reason.UNKNOWN_TOKEN);
  }

  List<AuditRecord> stored() {
    return store.auditPage(AuditQuery.ALL, Long.MAX_VALUE, 100_000).stream().map(AuditEntry::record).toList();
  }

  @Test
  void aFloodOfRefusalsIsRecordedUpToTheRateAndTheRestIsCountedInTheNextRecord() {
    for (int i = 0; i < 10_000; i++) {
      refuse();
    }
    assertThat(stored()).hasSize(RefusalRateLimit.BURST);
    // the store and the log alike: the burst, plus one line saying that further refusals are only counted
    assertThat(logs.list).hasSize(RefusalRateLimit.BURST + 1);
    assertThat(logs.list.get(RefusalRateLimit.BURST).getFormattedMessage()).contains("counted, not recorded");

    clock.addAndGet(60_000 / RefusalRateLimit.PER_MINUTE); // one record's worth of rate
    assertThat(refuse()).isTrue();
    assertThat(refuse()).isFalse();
    AuditRecord summary = stored().get(0);
    assertThat(summary.detail()).isEqualTo("(and " + (10_000 - RefusalRateLimit.BURST) + " refusal(s) not recorded"
        + " one by one since " + java.time.Instant.ofEpochMilli(T0) + ")");
    assertThat(summary.reason()).isEqualTo(AuditRecord.Reason.UNKNOWN_TOKEN);

    // an hour of a flood at 1,000 calls a second: bounded by the rate
    for (int s = 0; s < 3600; s++) {
      clock.addAndGet(1000);
      for (int i = 0; i < 1000; i++) {
        refuse();
      }
    }
    assertThat(stored()).hasSizeLessThanOrEqualTo(RefusalRateLimit.BURST + 1 + 60 * RefusalRateLimit.PER_MINUTE + 1);
    assertThat(logs.list).hasSizeLessThanOrEqualTo(stored().size() + 1);
  }

  @Test
  void whatIsDoneIsAlwaysRecordedWhateverTheRefusals() {
    for (int i = 0; i < 1000; i++) {
      refuse();
    }
    Caller alice = new Caller("alice", "team-a", Role.SUBMIT, "10.0.0.1:5000");
    for (int i = 0; i < 100; i++) {
      trail.record(AuditRecord.Action.SUBMIT, "job-" + i, alice, "");
    }
    assertThat(stored()).filteredOn(r -> r.action() == AuditRecord.Action.SUBMIT).hasSize(100);
  }

  @Test
  void refusalsAfterAQuietSpellAreRecordedAgainInABurst() {
    for (int i = 0; i < RefusalRateLimit.BURST + 5; i++) {
      refuse();
    }
    clock.addAndGet(Duration.ofHours(1).toMillis());
    for (int i = 0; i < RefusalRateLimit.BURST; i++) {
      assertThat(refuse()).isTrue();
    }
    assertThat(refuse()).isFalse();
  }

  @Test
  void retentionDeletesRecordsOlderThanTheKeepTimeOnly() {
    Caller alice = new Caller("alice", "team-a", Role.SUBMIT, "h:1");
    trail.record(AuditRecord.Action.SUBMIT, "old", alice, "");
    clock.addAndGet(Duration.ofDays(10).toMillis());
    trail.record(AuditRecord.Action.SUBMIT, "new", alice, "");
    assertThat(trail.deleteOlderThan(Duration.ZERO)).as("zero keeps every record").isZero();
    assertThat(trail.deleteOlderThan(Duration.ofDays(5))).isEqualTo(1);
    assertThat(stored()).extracting(AuditRecord::jobId).containsExactly("new");
  }

  @Test
  void fingerprintsNameAHashPrefixNeverTheTokenAndNothingForShortStrings() {
    String token = "0123456789abcdef0123456789abcdef";
    String hex = java.util.HexFormat.of().formatHex(TokenTable.sha256(token));
    assertThat(TokenFingerprint.of(token)).isEqualTo("sha256:" + hex.substring(0, 12)).doesNotContain(token);
    assertThat(TokenFingerprint.of("hunter2")).isEqualTo("short-token");
  }
}
