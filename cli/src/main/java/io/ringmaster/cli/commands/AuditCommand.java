package io.ringmaster.cli.commands;

import io.ringmaster.cli.client.AuditClient;
import io.ringmaster.cli.client.JobClient;
import io.ringmaster.cli.render.AuditTable;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.ExitCodes;
import io.ringmaster.proto.v1.AuditAction;
import io.ringmaster.proto.v1.AuditEvent;
import io.ringmaster.proto.v1.ListAuditEventsRequest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ringmaster audit}: the coordinator's audit trail, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Show the coordinator's audit trail, newest first: who submitted, cancelled or",
        "deleted which job, and (admins only) which calls were refused, when and from where.",
        "Admins see every tenant; other tokens their own tenant's submissions, cancellations",
        "and deletions."})
final class AuditCommand implements Callable<Integer> {
  private static final Pattern RELATIVE = Pattern.compile("(\\d+)([smhd])");

  private final CliContext context;

  @Mixin
  CoordinatorOption coordinator;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's records (admins).")
  String tenant;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only records since then: a time ago (30m, 12h, 7d), a date (2026-11-30) or a date and time"
          + " (2026-11-30T08:00, local time; or ...Z for UTC).")
  String since;

  @Option(names = "--action", paramLabel = "ACTION", split = ",",
      description = "Only these actions: submit, cancel, delete, refused (admins); repeat or separate with commas.")
  List<String> actions = new ArrayList<>();

  @Option(names = "--job", paramLabel = "JOB_ID", description = "Only records of this job.")
  String jobId;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "Show at most N records (default ${DEFAULT-VALUE}).")
  int limit;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  AuditCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 1, got " + limit);
    }
    ListAuditEventsRequest.Builder filters = ListAuditEventsRequest.newBuilder();
    if (tenant != null) {
      filters.setTenant(tenant);
    }
    if (since != null) {
      filters.setSinceMs(sinceMs(since));
    }
    for (String a : actions) {
      filters.addActions(action(a));
    }
    if (jobId != null) {
      filters.setJobId(jobId);
    }
    try (JobClient client = coordinator.connect(context)) {
      List<AuditEvent> events = new AuditClient(client.channel(), client.address()).list(filters.build(), limit);
      if (events.isEmpty()) {
        context.out().println("No audit records" + (filters.getSinceMs() > 0 || tenant != null || !actions.isEmpty()
            || jobId != null ? " match" : "") + " on the coordinator at " + client.address() + ".");
      } else {
        context.out().print(AuditTable.render(events, context.clock().getZone()));
        if (events.size() == limit) {
          context.out().println("(the newest " + limit + "; --limit N or --since WHEN for others)");
        }
      }
      context.out().flush();
      return ExitCodes.OK;
    }
  }

  private AuditAction action(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "submit" -> AuditAction.AUDIT_ACTION_SUBMIT;
      case "cancel" -> AuditAction.AUDIT_ACTION_CANCEL;
      case "delete" -> AuditAction.AUDIT_ACTION_DELETE;
      case "refused", "refuse" -> AuditAction.AUDIT_ACTION_REFUSE;
      default -> throw new CommandLine.ParameterException(spec.commandLine(), "--action: not an audit action: '"
          + name + "'; use submit, cancel, delete or refused");
    };
  }

  /** Unix epoch ms of a --since value, relative to the context's clock. */
  private long sinceMs(String value) {
    String v = value.strip();
    Matcher m = RELATIVE.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration ago = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return Math.max(1, context.clock().millis() - ago.toMillis());
    }
    try {
      if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return java.time.OffsetDateTime.parse(v).toInstant().toEpochMilli();
      }
      if (v.contains("T")) {
        return LocalDateTime.parse(v).atZone(context.clock().getZone()).toInstant().toEpochMilli();
      }
      return LocalDate.parse(v).atStartOfDay(context.clock().getZone()).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--since: cannot read '" + value + "': give a"
          + " time ago (30m, 12h, 7d), a date (2026-11-30) or a date and time (2026-11-30T08:00, or with Z for UTC)");
    }
  }
}
