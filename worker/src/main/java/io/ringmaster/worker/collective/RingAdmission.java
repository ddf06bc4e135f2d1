package io.ringmaster.worker.collective;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ringmaster.job.security.JobCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ring membership at the door: a server interceptor on a worker's collective and state-fetch services that
 * lets a call in only if its metadata names a ring this worker belongs to, (job, generation), and carries
 * that ring's token, which the coordinator sent to the ring's members only (in {@code Assign}). The check
 * happens on the call's headers, before any frame is read: a stranger, a worker of another job, or a
 * member of another generation is refused with PERMISSION_DENIED (no token: UNAUTHENTICATED) and the ring
 * is not disturbed.
 *
 * <p>A call for a ring this worker has not joined yet (its neighbour got its Assign first) is held, without
 * starting the service's handler and without reading anything, until the worker {@linkplain #allow joins
 * that ring} (then it is decided) or for {@code pendingTimeout} (then refused). A ring whose token is empty
 * (a coordinator that issued none, as test fakes do) admits any caller that names it.
 */
public final class RingAdmission implements ServerInterceptor {
  static final Metadata.Key<String> JOB = Metadata.Key.of(JobCredentials.RING_JOB_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> GENERATION =
      Metadata.Key.of(JobCredentials.RING_GENERATION_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TOKEN = Metadata.Key.of(JobCredentials.RING_TOKEN_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final ScheduledExecutorService timer;
  private final Duration pendingTimeout;
  /** Tokens of the rings joined, per job and generation (a job's are forgotten when it is left). */
  private final Map<String, Map<Long, String>> tokens = new HashMap<>();
  private final List<Held<?, ?>> held = new ArrayList<>();

  public RingAdmission(ScheduledExecutorService timer, Duration pendingTimeout) {
    this.timer = timer;
    this.pendingTimeout = pendingTimeout;
  }

  /** The metadata a member sends with its calls to the ring (job, generation)'s peers. */
  public static Metadata headers(String jobId, long generation, String token) {
    Metadata m = new Metadata();
    m.put(JOB, jobId);
    m.put(GENERATION, Long.toString(generation));
    if (token != null && !token.isEmpty()) {
      m.put(TOKEN, token);
    }
    return m;
  }

  /** This worker joined ring (job, generation) with {@code token}: calls naming it with that token get in. */
  public void allow(String jobId, long generation, String token) {
    List<Runnable> decisions = new ArrayList<>();
    synchronized (this) {
      tokens.computeIfAbsent(jobId, k -> new HashMap<>()).put(generation, token == null ? "" : token);
      for (Iterator<Held<?, ?>> it = held.iterator(); it.hasNext(); ) {
        Held<?, ?> h = it.next();
        if (h.jobId.equals(jobId) && h.generation == generation) {
          it.remove();
          boolean ok = admits(token, h.token);
          decisions.add(() -> h.decide(ok ? null : wrongToken(h.jobId, h.generation)));
        }
      }
    }
    decisions.forEach(Runnable::run);
  }

  /** This worker left the job: its rings admit nobody any more; held calls for it are refused now. */
  public void forget(String jobId) {
    List<Held<?, ?>> refused = new ArrayList<>();
    synchronized (this) {
      tokens.remove(jobId);
      for (Iterator<Held<?, ?>> it = held.iterator(); it.hasNext(); ) {
        Held<?, ?> h = it.next();
        if (h.jobId.equals(jobId)) {
          it.remove();
          refused.add(h);
        }
      }
    }
    refused.forEach(h -> h.decide(Status.ABORTED.withDescription("this worker has left job " + jobId
        + "; the caller holds a stale ring")));
  }

  /** Calls held until their ring is joined (for tests). */
  synchronized int heldCalls() {
    return held.size();
  }

  private static boolean admits(String expected, String presented) {
    return expected.isEmpty() || JobCredentials.same(expected, presented);
  }

  private static Status wrongToken(String jobId, long generation) {
    return Status.PERMISSION_DENIED.withDescription("the caller did not present the token of ring "
        + RingMembership.describe(jobId, generation) + ": only that ring's members, as the coordinator formed it,"
        + " may connect");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String jobId = headers.get(JOB);
    String gen = headers.get(GENERATION);
    String token = headers.get(TOKEN);
    long generation;
    try {
      generation = gen == null ? -1 : Long.parseLong(gen);
    } catch (NumberFormatException e) {
      generation = -1;
    }
    if (jobId == null || generation < 0) {
      return refuse(call, Status.UNAUTHENTICATED.withDescription("a call to a worker's ring service must name its"
          + " ring (" + JobCredentials.RING_JOB_HEADER + ", " + JobCredentials.RING_GENERATION_HEADER + ") and carry"
          + " its token (" + JobCredentials.RING_TOKEN_HEADER + ")"));
    }
    Held<Q, R> waiting = null;
    String expected;
    synchronized (this) {
      Map<Long, String> ofJob = tokens.get(jobId);
      expected = ofJob == null ? null : ofJob.get(generation);
      if (expected == null) {
        waiting = new Held<>(call, headers, next, jobId, generation, token == null ? "" : token);
        held.add(waiting);
      }
    }
    if (expected != null) {
      return admits(expected, token) ? next.startCall(call, headers) : refuse(call, wrongToken(jobId, generation));
    }
    long generationHeld = generation;
    Held<Q, R> w = waiting;
    ScheduledFuture<?> timeout = timer.schedule(() -> {
      synchronized (this) {
        if (!held.remove(w)) {
          return;
        }
      }
      w.decide(Status.PERMISSION_DENIED.withDescription("this worker did not join ring "
          + RingMembership.describe(jobId, generationHeld) + " within " + pendingTimeout
          + " of the call: the caller is not a member of a ring this worker belongs to"));
    }, pendingTimeout.toNanos(), TimeUnit.NANOSECONDS);
    waiting.timeout = timeout;
    return waiting;
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  /**
   * A call held at the door: nothing is requested from it (so no frame is read) and the service's handler
   * is not started until {@link #decide}. Callbacks that arrive meanwhile (cancel, half-close, ready) are
   * kept and replayed to the handler if the call is admitted.
   */
  private final class Held<Q, R> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, R> call;
    private final Metadata headers;
    private final ServerCallHandler<Q, R> next;
    final String jobId;
    final long generation;
    final String token;
    volatile ScheduledFuture<?> timeout;
    private ServerCall.Listener<Q> delegate; // guarded by this
    private boolean decided;
    private boolean cancelled;
    private boolean halfClosed;
    private boolean ready;

    Held(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, String jobId, long generation,
        String token) {
      this.call = call;
      this.headers = headers;
      this.next = next;
      this.jobId = jobId;
      this.generation = generation;
      this.token = token;
    }

    /** Admits the call ({@code refusal} null) or closes it with {@code refusal}. */
    synchronized void decide(Status refusal) {
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      if (decided || cancelled) {
        decided = true;
        return;
      }
      decided = true;
      if (refusal != null) {
        call.close(refusal, new Metadata());
        return;
      }
      delegate = next.startCall(call, headers);
      if (ready) {
        delegate.onReady();
      }
      if (halfClosed) {
        delegate.onHalfClose();
      }
    }

    @Override
    public synchronized void onMessage(Q message) {
      if (delegate != null) {
        delegate.onMessage(message);
      }
    }

    @Override
    public synchronized void onHalfClose() {
      if (delegate != null) {
        delegate.onHalfClose();
      } else {
        halfClosed = true;
      }
    }

    @Override
    public void onCancel() {
      ServerCall.Listener<Q> d;
      synchronized (this) {
        d = delegate;
        if (d == null) {
          cancelled = true;
        }
      }
      if (d == null) {
        synchronized (RingAdmission.this) {
          held.remove(this);
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
          t.cancel(false);
        }
      } else {
        d.onCancel();
      }
    }

    @Override
    public synchronized void onComplete() {
      if (delegate != null) {
        delegate.onComplete();
      }
    }

    @Override
    public synchronized void onReady() {
      if (delegate != null) {
        delegate.onReady();
      } else {
        ready = true;
      }
    }
  }
}
