package io.ringmaster.cli.render;

import io.ringmaster.proto.v1.AuditEvent;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * The table of {@code ringmaster audit}: when, what (an action, or "refused" with the status and reason),
 * who (token name, fingerprint of an unknown token, or "-" without one) and its tenant, from where, the job
 * or method, and the detail.
 */
public final class AuditTable {
  private AuditTable() {}

  public static String render(List<AuditEvent> events, ZoneId zone) {
    TextTable t = new TextTable("TIME", "ACTION", "WHO", "TENANT", "FROM", "JOB / METHOD", "DETAIL");
    for (AuditEvent e : events) {
      String action = e.getAction().name().substring("AUDIT_ACTION_".length()).toLowerCase(Locale.ROOT);
      if (!e.getReason().isEmpty()) {
        action = "refused " + e.getCode() + " " + e.getReason().toLowerCase(Locale.ROOT);
      }
      String target = e.getJobId().isEmpty() ? e.getMethod()
          : e.getReason().isEmpty() ? e.getJobId() : e.getJobId() + " (" + e.getMethod() + ")";
      t.row(Fmt.timestamp(e.getTimeMs(), zone), action, dash(e.getPrincipal()), dash(e.getTenant()), e.getPeer(),
          dash(target), e.getDetail());
    }
    return t.render("");
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
