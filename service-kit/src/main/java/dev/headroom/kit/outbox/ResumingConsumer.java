package dev.headroom.kit.outbox;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Consumes an upstream Watch stream forever: opens it at the stored cursor, hands each message to
 * the handler, saves the message's cursor, and after any error or end of stream (server restart,
 * network, handler failure) reconnects with capped exponential backoff and jitter from the last
 * saved cursor.
 *
 * <p>Delivery is at least once: a crash between the handler and the cursor save replays that
 * message, so handlers must be idempotent (or save the cursor themselves in the same transaction
 * via {@link CursorStore#save(org.jdbi.v3.core.Handle, String, long)}). A handler that keeps
 * failing on one message blocks the stream with backoff rather than skipping it: order and
 * completeness beat liveness here.
 *
 * <p>Uses a blocking stub iterator, which requests one message at a time, so flow control is
 * natural: the server sends no faster than the handler processes.
 */
public final class ResumingConsumer<T> implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ResumingConsumer.class.getName());

  /**
   * Opens the stream after {@code cursor}, typically {@code blockingStub.watch(request(cursor))}.
   */
  @FunctionalInterface
  public interface Opener<T> {
    Iterator<T> open(long cursor);
  }

  @FunctionalInterface
  public interface Handler<T> {
    void handle(T message) throws Exception;
  }

  private final String name;
  private final CursorStore cursors;
  private final Opener<T> opener;
  private final ToLongFunction<T> cursorOf;
  private final Handler<T> handler;
  private final Backoff backoff;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Context.CancellableContext currentCall;
  private volatile long position = -1;

  /**
   * @param name consumer name, the key of its cursor (e.g. {@code scoring.signal-events})
   * @param cursorOf extracts the cursor the server put in each message
   */
  public ResumingConsumer(
      String name,
      CursorStore cursors,
      Opener<T> opener,
      ToLongFunction<T> cursorOf,
      Handler<T> handler,
      Backoff backoff) {
    this.name = name;
    this.cursors = cursors;
    this.opener = opener;
    this.cursorOf = cursorOf;
    this.handler = handler;
    this.backoff = backoff;
    this.thread = new Thread(this::run, "consumer-" + name);
    this.thread.setDaemon(true);
  }

  /** Starts after the stored cursor. */
  public ResumingConsumer<T> start() {
    thread.start();
    return this;
  }

  /**
   * Starts after {@code cursor} instead of the stored one: for a consumer whose state in memory was
   * loaded together with that cursor, while other replicas may move the stored cursor on.
   */
  public ResumingConsumer<T> startAfter(long cursor) {
    position = cursor;
    return start();
  }

  /** Last cursor saved by this consumer, or -1 before the first load. */
  public long position() {
    return position;
  }

  private void run() {
    int attempt = 0;
    while (running) {
      Context.CancellableContext call = Context.current().withCancellation();
      currentCall = call;
      try {
        // After the first connection this process resumes from what it applied itself: the
        // stored cursor may have been moved on by another replica sharing it.
        long cursor = position >= 0 ? position : cursors.load(name);
        position = cursor;
        int delivered = call.call(() -> consume(cursor));
        if (delivered > 0) {
          attempt = 0;
        }
        LOG.fine(() -> name + ": stream ended; reconnecting");
      } catch (StatusRuntimeException e) {
        if (!running) {
          break;
        }
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          LOG.log(
              Level.WARNING,
              name + ": watch failed with " + e.getStatus().getCode() + "; retrying");
        }
      } catch (InterruptedException e) {
        break;
      } catch (Exception e) {
        if (!running) {
          break;
        }
        LOG.log(
            Level.WARNING, name + ": handler failed at cursor " + position + "; will redeliver", e);
      } finally {
        call.cancel(null);
      }
      if (!running) {
        break;
      }
      try {
        Thread.sleep(backoff.delay(attempt++, random).toMillis());
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  private int consume(long from) throws Exception {
    int delivered = 0;
    Iterator<T> it = opener.open(from);
    while (running && it.hasNext()) {
      T message = it.next();
      handler.handle(message);
      long c = cursorOf.applyAsLong(message);
      cursors.save(name, c);
      position = Math.max(position, c);
      delivered++;
    }
    return delivered;
  }

  /**
   * Stops the loop and cancels the open call; waits briefly for the thread to finish its current
   * message.
   */
  @Override
  public void close() {
    running = false;
    Context.CancellableContext call = currentCall;
    if (call != null) {
      call.cancel(null);
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
