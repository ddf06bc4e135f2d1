package io.ringmaster.coordinator.auth;

import io.ringmaster.coordinator.config.InvalidConfigException;
import io.ringmaster.job.spec.Violation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's tokens file, read again when it changes, so that tokens are added and revoked without a
 * restart: a token removed from the file is refused ({@code UNAUTHENTICATED}) from the first call after the
 * change was read. The TLS files' reload ({@code TransportSecurity}) is the model: the file is looked at on a
 * timer ({@link #every}), and {@link #check()} does one look (tests call it with a fake clock).
 *
 * <p><b>One look</b> reads the file's bytes through its path, following symbolic links (so a Kubernetes
 * Secret volume, which replaces its files by swapping the {@code ..data} symlink to a new directory, is
 * seen like any other change: inotify on the file would miss it) and compares their SHA-256 with the file
 * in use:
 * <ul>
 *   <li>the same: {@link Outcome#UNCHANGED}.
 *   <li>different, but not <em>settled</em>: {@link Outcome#WAITING}, the tokens in use stay. A change is
 *       settled when the same new bytes were seen at the previous look, or the file was last modified at
 *       least {@link #SETTLE} ago by the injected clock. A file being written in place (an editor, {@code cat
 *       > tokens.yaml}) may be cut after a complete entry and still parse, with tokens missing: it is
 *       therefore applied only once it stopped changing. An atomic replacement (rename, symlink swap) whose
 *       file is older than {@link #SETTLE} is applied at once.
 *   <li>settled but not a valid tokens file (a half-written entry, a YAML error, a plain token in a file
 *       others may read): {@link Outcome#REJECTED}; every problem is logged with its place and line, the
 *       tokens in use stay, and the same bytes are not reported again.
 *   <li>settled and valid: {@link Outcome#APPLIED}; the next call is checked against the new tokens, and
 *       the log says which token names were added, removed or changed (never a token or its hash).
 *   <li>unreadable (deleted, permissions): {@link Outcome#UNREADABLE}, logged once; the tokens in use stay
 *       (an empty file is not "no tokens": to revoke every token, leave {@code tokens: []}).
 * </ul>
 *
 * <p>Calls already running keep the caller they were authenticated as; streams (WatchJob) opened with a
 * revoked token run until they end.
 */
public final class TokensFileWatcher implements TokenSource {
  private static final Logger log = LoggerFactory.getLogger(TokensFileWatcher.class);
  /** How often the file is looked at unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  /** A changed file last modified at least this long ago is complete. */
  public static final Duration SETTLE = Duration.ofSeconds(2);

  /** What one look at the file found. */
  public enum Outcome {
    /** The file holds the tokens in use. */
    UNCHANGED,
    /** The file changed and its new tokens are in use. */
    APPLIED,
    /** The file changed moments ago (it may still be being written): looked at again next time. */
    WAITING,
    /** The file changed but is not a valid tokens file: the previous tokens stay. */
    REJECTED,
    /** The file cannot be read: the previous tokens stay. */
    UNREADABLE
  }

  private final Path file;
  private final LongSupplier wallClockMs;
  private volatile TokenTable current;
  /** Guarded by this: the digest of the bytes in use, of changed bytes seen once, of bytes refused. */
  private byte[] applied;
  private byte[] pending;
  private byte[] rejected;
  private String unreadable;

  private TokensFileWatcher(Path file, LongSupplier wallClockMs, TokenTable first, byte[] digest) {
    this.file = file;
    this.wallClockMs = wallClockMs;
    this.current = first;
    this.applied = digest;
  }

  /**
   * Reads the file for the first time: at start a bad file is an error, not a warning.
   *
   * @param wallClockMs Unix epoch milliseconds (what file modification times are compared with)
   * @throws InvalidConfigException naming every problem of the file, with its line
   */
  public static TokensFileWatcher open(Path file, LongSupplier wallClockMs) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidConfigException(List.of(new Violation("security.tokensFile", "cannot read " + file + " ("
          + e.getClass().getSimpleName() + "): check the path and that the coordinator's user may read it")));
    }
    TokenTable first = parse(file, bytes);
    return new TokensFileWatcher(file, wallClockMs, first, TokenTable.sha256Bytes(bytes));
  }

  @Override
  public TokenTable tokens() {
    return current;
  }

  /** The file this watches. */
  public Path file() {
    return file;
  }

  /** Looks at the file once (see the class comment); the timer of {@link #every} calls this. */
  public synchronized Outcome check() {
    byte[] bytes;
    long modifiedMs;
    try {
      bytes = Files.readAllBytes(file);
      modifiedMs = Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      String why = e.getClass().getSimpleName();
      if (!why.equals(unreadable)) {
        log.warn("tokens file {} cannot be read ({}): keeping the {} token(s) in use; fix the file or its"
            + " permissions", file, why, current.size());
        unreadable = why;
      }
      return Outcome.UNREADABLE;
    }
    unreadable = null;
    byte[] digest = TokenTable.sha256Bytes(bytes);
    if (MessageDigest.isEqual(digest, applied)) {
      pending = null;
      return Outcome.UNCHANGED;
    }
    boolean seenBefore = pending != null && MessageDigest.isEqual(digest, pending);
    boolean oldEnough = wallClockMs.getAsLong() - modifiedMs >= SETTLE.toMillis();
    if (!seenBefore && !oldEnough) {
      pending = digest;
      return Outcome.WAITING;
    }
    pending = null;
    if (rejected != null && MessageDigest.isEqual(digest, rejected)) {
      return Outcome.REJECTED;
    }
    TokenTable next;
    try {
      next = parse(file, bytes);
    } catch (InvalidConfigException e) {
      rejected = digest;
      log.warn("tokens file {} changed but cannot be used; keeping the {} token(s) in use until it is fixed:\n  {}",
          file, current.size(), e.violations().stream().map(Violation::toString).collect(Collectors.joining("\n  ")));
      return Outcome.REJECTED;
    }
    TokenTable before = current;
    current = next;
    applied = digest;
    rejected = null;
    log.info("tokens file {} reloaded: {} token(s){}", file, next.size(), changes(before, next));
    return Outcome.APPLIED;
  }

  /**
   * Looks at the file every {@code interval} on {@code timer} (owned by the caller) until the returned
   * handle is closed. A look that throws is logged; the next one runs anyway.
   */
  public AutoCloseable every(ScheduledExecutorService timer, Duration interval) {
    long ms = Math.max(1, interval.toMillis());
    ScheduledFuture<?> f = timer.scheduleWithFixedDelay(() -> {
      try {
        check();
      } catch (RuntimeException e) {
        log.warn("looking at tokens file {} failed; looked at again in {} ms", file, ms, e);
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  private static TokenTable parse(Path file, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidConfigException(List.of(new Violation(file.toString(), "not UTF-8 text (a file cut in"
          + " the middle of a character, or not a tokens file)")));
    }
    return TokensFile.parse(text, file.toString(), TokensFile.readableByOthers(file));
  }

  /** " (added: a; removed: b; changed: c)" by token name, or "" when only quotas changed. */
  static String changes(TokenTable before, TokenTable after) {
    Map<String, TokenTable.Entry> old = new HashMap<>();
    before.entries().forEach(e -> old.put(e.name(), e));
    TreeSet<String> added = new TreeSet<>();
    TreeSet<String> changed = new TreeSet<>();
    for (TokenTable.Entry e : after.entries()) {
      TokenTable.Entry was = old.remove(e.name());
      if (was == null) {
        added.add(e.name());
      } else if (!was.tenant().equals(e.tenant()) || was.role() != e.role()
          || !MessageDigest.isEqual(was.sha256(), e.sha256())) {
        changed.add(e.name());
      }
    }
    TreeSet<String> removed = new TreeSet<>(old.keySet());
    StringBuilder s = new StringBuilder();
    for (var part : List.of(Map.entry("added", added), Map.entry("removed", removed), Map.entry("changed", changed))) {
      if (!part.getValue().isEmpty()) {
        s.append(s.length() == 0 ? " (" : "; ").append(part.getKey()).append(": ")
            .append(String.join(", ", part.getValue()));
      }
    }
    return s.length() == 0 ? "" : s.append(')').toString();
  }
}
