package dev.headroom.kit.outbox;

import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves a server-streaming Watch RPC from the outbox: sends every entry with {@code seq > cursor}
 * and then keeps the stream open, sending new entries as they commit.
 *
 * <p>A cursor the stream cannot resume from ends the stream at once: negative or beyond the newest
 * entry is INVALID_ARGUMENT on {@value #CURSOR_FIELD}, older than retention is FAILED_PRECONDITION
 * CURSOR_EXPIRED.
 *
 * <p>Respects flow control: sends only while the call {@code isReady()} and resumes from its
 * onReady handler, so a slow consumer costs at most one batch of memory. Reads run on a small
 * dedicated scheduler, never on the gRPC executor, and a session has at most one read in progress
 * at a time. Wakeups come from NOTIFY, from onReady, and from a bounded poll interval as a
 * fallback. Cancellation stops the session and releases its subscription.
 */
public final class OutboxWatch implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboxWatch.class.getName());

  /**
   * @param batchSize entries read per query and the most buffered per session
   * @param pollInterval fallback re-read period when no notification arrives
   * @param threads reader threads shared by all sessions of this service
   */
  public record Settings(int batchSize, Duration pollInterval, int threads) {
    public Settings {
      if (batchSize < 1 || batchSize > 10_000 || threads < 1) {
        throw new IllegalArgumentException("batchSize must be 1..10000 and threads >= 1");
      }
    }

    /**
     * Reads {@code outbox.watch-batch-size}, {@code outbox.watch-poll-interval} and {@code
     * outbox.watch-threads} (required: their defaults are in the service's YAML).
     */
    public static Settings from(KitConfig c) {
      return new Settings(
          c.integer("outbox.watch-batch-size", 1, 10_000),
          c.duration("outbox.watch-poll-interval"),
          c.integer("outbox.watch-threads", 1, 64));
    }
  }

  /** The request field every Headroom Watch RPC resumes from, named in its errors. */
  public static final String CURSOR_FIELD = "after_cursor";

  private final Outbox outbox;
  private final OutboxListener listener;
  private final ErrorMapper errors;
  private final Settings settings;
  private final ScheduledExecutorService scheduler;
  private final Set<Session<?>> sessions = ConcurrentHashMap.newKeySet();

  public OutboxWatch(
      Outbox outbox, OutboxListener listener, ErrorMapper errors, Settings settings) {
    this.outbox = outbox;
    this.listener = listener;
    this.errors = errors;
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            settings.threads(),
            r -> {
              Thread t = new Thread(r, "outbox-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.scheduler = pool;
  }

  /**
   * Starts streaming {@code stream} after {@code cursor} to {@code responseObserver}; call from the
   * RPC handler and return. {@code toMessage} builds the service's response message and must put
   * {@code entry.seq()} in it as the cursor the client resumes from.
   */
  public <T> void watch(
      String stream,
      long cursor,
      StreamObserver<T> responseObserver,
      Function<OutboxEntry, T> toMessage) {
    if (cursor < 0) {
      throw DomainException.InvalidArgument.of(CURSOR_FIELD, "must be >= 0");
    }
    ServerCallStreamObserver<T> obs = (ServerCallStreamObserver<T>) responseObserver;
    Session<T> s = new Session<>(stream, cursor, obs, toMessage);
    sessions.add(s);
    // Both handlers must be set before the handler method returns.
    obs.setOnCancelHandler(s::cancelled);
    obs.setOnReadyHandler(s::wake);
    s.subscribe();
    s.wake();
  }

  /** Number of open watch streams (exported as a gauge by services that want it). */
  public int activeSessions() {
    return sessions.size();
  }

  /**
   * Ends every open stream with UNAVAILABLE so clients reconnect (to another replica, or to this
   * one after a restart) and resume from their cursor; used as a GrpcServer beforeDrain hook.
   */
  @Override
  public void close() {
    for (Session<?> s : sessions) {
      s.finish(Status.UNAVAILABLE.withDescription("server shutting down; resume from your cursor"));
    }
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private final class Session<T> {
    private final String stream;
    private final ServerCallStreamObserver<T> obs;
    private final Function<OutboxEntry, T> toMessage;
    private final ArrayDeque<OutboxEntry> buffer = new ArrayDeque<>();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean done;
    private volatile Status terminal;
    private long cursor;
    private boolean cursorChecked;
    private AutoCloseable subscription;
    private ScheduledFuture<?> poll;

    Session(
        String stream,
        long cursor,
        ServerCallStreamObserver<T> obs,
        Function<OutboxEntry, T> toMessage) {
      this.stream = stream;
      this.cursor = cursor;
      this.obs = obs;
      this.toMessage = toMessage;
    }

    void subscribe() {
      subscription = listener.subscribe(stream, this::wake);
      long ms = settings.pollInterval().toMillis();
      try {
        poll = scheduler.scheduleWithFixedDelay(this::wake, ms, ms, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        finish(Status.UNAVAILABLE.withDescription("server shutting down"));
      }
    }

    /**
     * Coalesces wakeups: at most one drain runs (so onNext/onError are never called concurrently),
     * and a wake during a drain causes one more pass.
     */
    void wake() {
      if (done || wip.getAndIncrement() != 0) {
        return;
      }
      try {
        scheduler.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // Scheduler stopped: we hold the drain token, so ending the stream here is safe.
        if (terminal == null) {
          terminal =
              Status.UNAVAILABLE.withDescription("server shutting down; resume from your cursor");
        }
        drain();
      }
    }

    private void drain() {
      int missed = 1;
      while (true) {
        Status t = terminal;
        if (t != null) {
          if (!done) {
            cleanup();
            safeOnError(t.asRuntimeException());
          }
        } else {
          try {
            pump();
          } catch (RuntimeException e) {
            fail(e);
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    private void pump() {
      while (!done && obs.isReady()) {
        if (buffer.isEmpty()) {
          if (!cursorChecked) {
            outbox.requireRetained(stream, cursor);
            requireNotBeyondHead();
            cursorChecked = true;
          }
          List<OutboxEntry> batch = outbox.read(stream, cursor, settings.batchSize());
          if (batch.isEmpty()) {
            return;
          }
          buffer.addAll(batch);
        }
        OutboxEntry e = buffer.poll();
        obs.onNext(toMessage.apply(e));
        cursor = e.seq();
      }
    }

    /**
     * A cursor this stream never handed out cannot be resumed from: waiting would skip every entry
     * up to it once the stream got there, silently. It comes from a client bug or from a consumer
     * whose upstream lost entries (a restored backup), and either needs a person, not a silent
     * stream.
     */
    private void requireNotBeyondHead() {
      long head = outbox.lastSeq(stream);
      if (cursor > head) {
        throw DomainException.InvalidArgument.of(
            CURSOR_FIELD,
            "is beyond the newest entry of this stream ("
                + head
                + "); resume from a cursor this stream sent, or 0 to start from the oldest");
      }
    }

    private void fail(RuntimeException e) {
      if (done) {
        return;
      }
      Throwable mapped =
          switch (e) {
            case DomainException de -> errors.toStatusException(de);
            case io.grpc.StatusRuntimeException sre -> sre;
            default -> {
              LOG.log(
                  Level.WARNING, "watch of stream " + stream + " failed; client will resume", e);
              yield Status.UNAVAILABLE
                  .withDescription("watch interrupted; resume from your cursor")
                  .asRuntimeException();
            }
          };
      cleanup();
      safeOnError(mapped);
    }

    /** Ends the stream with {@code status} from the drain pass, never concurrently with onNext. */
    void finish(Status status) {
      terminal = status;
      wake();
    }

    private void safeOnError(Throwable t) {
      try {
        obs.onError(t);
      } catch (RuntimeException alreadyClosed) {
        LOG.log(Level.FINE, "watch call already closed", alreadyClosed);
      }
    }

    void cancelled() {
      cleanup();
    }

    private synchronized void cleanup() {
      if (done) {
        return;
      }
      done = true;
      sessions.remove(this);
      if (poll != null) {
        poll.cancel(false);
      }
      if (subscription != null) {
        try {
          subscription.close();
        } catch (Exception ignored) {
          // unsubscribing from an in-memory registry cannot fail in practice
        }
      }
    }
  }
}
