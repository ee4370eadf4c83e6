package dev.headroom.kit.outbox;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Consumes an upstream Watch stream forever, in batches: opens it at the stored cursor, hands the
 * messages to the handler a batch at a time, and after any error or end of stream (server restart,
 * network, expired or unknown cursor) reconnects with capped exponential backoff and jitter after
 * the last message it read.
 *
 * <p>One thread reads the stream into a bounded queue of twice the batch size; a full queue stops
 * reading, so flow control holds: the server sends no faster than batches are committed. Another
 * thread takes up to {@link Settings#batchSize()} messages off the queue, once the stream has been
 * quiet for {@link Settings#idle()} or the batch's first message waited {@link Settings#linger()},
 * and hands them to the {@link BatchHandler}, which commits them together with the last message's
 * cursor in one transaction. The consumer's {@link #position()} moves only when the handler
 * returns, so nothing is acknowledged that is not committed. A batch whose handler fails is retried
 * as it is with backoff, never skipped: order and completeness beat liveness here.
 *
 * <p>A restart resumes after the last committed cursor. Messages read but not yet committed when
 * the process stops are read again, so delivery is at least once; a handler that stores the cursor
 * in its own transaction gets each message's effect exactly once.
 */
public final class ResumingConsumer<T> implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ResumingConsumer.class.getName());

  /**
   * How messages are grouped into batches.
   *
   * @param batchSize most messages per batch
   * @param idle a batch is handed over once no message came for this long
   * @param linger a batch is handed over at the latest this long after its first message arrived
   */
  public record Settings(int batchSize, Duration idle, Duration linger) {
    /** Every message on its own, as soon as it arrives. */
    public static final Settings ONE_AT_A_TIME = new Settings(1, Duration.ZERO, Duration.ZERO);

    public Settings {
      if (batchSize < 1 || idle.isNegative() || linger.isNegative()) {
        throw new IllegalArgumentException(
            "invalid consumer batching " + batchSize + " / " + idle + " / " + linger);
      }
    }

    /**
     * Reads {@code <prefix>.batch-size} (1..10,000), {@code <prefix>.idle} and {@code
     * <prefix>.linger} (both positive); the service's YAML holds their defaults.
     */
    public static Settings from(KitConfig c, String prefix) {
      return new Settings(
          c.integer(prefix + ".batch-size", 1, 10_000),
          positive(c, prefix + ".idle"),
          positive(c, prefix + ".linger"));
    }

    private static Duration positive(KitConfig c, String key) {
      Duration d = c.duration(key);
      if (!d.isPositive()) {
        throw new ConfigException(key, key + " must be positive");
      }
      return d;
    }
  }

  /**
   * Opens the stream after {@code cursor}, typically {@code blockingStub.watch(request(cursor))}.
   */
  @FunctionalInterface
  public interface Opener<T> {
    Iterator<T> open(long cursor);
  }

  /** Handles one message; the consumer saves its cursor after it returns. */
  @FunctionalInterface
  public interface Handler<T> {
    void handle(T message) throws Exception;
  }

  /**
   * Commits a batch. To resume exactly after it, store {@code through} with {@link
   * CursorStore#save(org.jdbi.v3.core.Handle, String, long)} in the same transaction as the batch's
   * effects; a handler that throws has committed nothing and gets the same batch again.
   */
  @FunctionalInterface
  public interface BatchHandler<T> {
    /**
     * @param batch the messages in stream order, never empty
     * @param through the cursor of the batch's last message
     */
    void commit(List<T> batch, long through) throws Exception;
  }

  private final String name;
  private final CursorStore cursors;
  private final Opener<T> opener;
  private final ToLongFunction<T> cursorOf;
  private final BatchHandler<T> handler;
  private final Backoff backoff;
  private final Settings settings;
  private final BlockingQueue<T> queue;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Thread reader;
  private final Thread writer;
  private volatile boolean running = true;
  private volatile Context.CancellableContext currentCall;
  private volatile long position = -1;
  private volatile long queuedUpTo = -1;

  /**
   * A consumer that handles each message on its own and then saves its cursor: a crash between the
   * two replays that message, so the handler must be idempotent.
   *
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
    this(
        name,
        cursors,
        opener,
        cursorOf,
        (batch, through) -> {
          for (T message : batch) {
            handler.handle(message);
          }
          cursors.save(name, through);
        },
        backoff,
        Settings.ONE_AT_A_TIME);
  }

  /**
   * A consumer that commits batches.
   *
   * @param name consumer name, the key of its cursor (e.g. {@code scoring.signal-account-changes})
   * @param cursorOf extracts the cursor the server put in each message
   */
  public ResumingConsumer(
      String name,
      CursorStore cursors,
      Opener<T> opener,
      ToLongFunction<T> cursorOf,
      BatchHandler<T> handler,
      Backoff backoff,
      Settings settings) {
    this.name = name;
    this.cursors = cursors;
    this.opener = opener;
    this.cursorOf = cursorOf;
    this.handler = handler;
    this.backoff = backoff;
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.batchSize() * 2);
    this.reader = new Thread(this::read, "consumer-" + name + "-reader");
    this.writer = new Thread(this::write, "consumer-" + name + "-writer");
    reader.setDaemon(true);
    writer.setDaemon(true);
  }

  /** Starts after the stored cursor. */
  public ResumingConsumer<T> start() {
    return startAfter(cursors.load(name));
  }

  /**
   * Starts after {@code cursor} instead of the stored one: for a consumer whose state in memory was
   * loaded together with that cursor, while other replicas may move the stored cursor on.
   */
  public ResumingConsumer<T> startAfter(long cursor) {
    position = cursor;
    queuedUpTo = cursor;
    reader.start();
    writer.start();
    return this;
  }

  /** The cursor of the last committed batch (at the start, the one it started after), or -1. */
  public long position() {
    return position;
  }

  /**
   * Reads the stream into the queue. It reconnects after the last message it queued, not after the
   * stored cursor: other replicas sharing the cursor may have moved it on.
   */
  private void read() {
    int attempt = 0;
    while (running) {
      Context.CancellableContext call = Context.current().withCancellation();
      currentCall = call;
      try {
        if (call.call(this::readStream) > 0) {
          attempt = 0;
        }
      } catch (InterruptedException e) {
        return;
      } catch (StatusRuntimeException e) {
        if (running && e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          LOG.warning(name + ": watch failed with " + e.getStatus().getCode() + "; retrying");
        }
      } catch (Exception e) {
        if (running) {
          LOG.log(Level.WARNING, name + ": watch failed; retrying", e);
        }
      } finally {
        call.cancel(null);
      }
      if (!pause(backoff.delay(attempt++, random))) {
        return;
      }
    }
  }

  private int readStream() throws InterruptedException {
    int read = 0;
    Iterator<T> messages = opener.open(queuedUpTo);
    while (running && messages.hasNext()) {
      T message = messages.next();
      queue.put(message);
      queuedUpTo = cursorOf.applyAsLong(message);
      read++;
    }
    return read;
  }

  /** Takes batches off the queue and commits each until it is committed. */
  private void write() {
    List<T> batch = new ArrayList<>(settings.batchSize());
    try {
      while (running) {
        T first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long lingerEnds = System.nanoTime() + settings.linger().toNanos();
        while (batch.size() < settings.batchSize()) {
          long wait = Math.min(settings.idle().toNanos(), lingerEnds - System.nanoTime());
          T next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        commitUntilDone(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  private void commitUntilDone(List<T> batch) throws InterruptedException {
    long through = cursorOf.applyAsLong(batch.get(batch.size() - 1));
    int attempt = 0;
    while (running) {
      try {
        handler.commit(batch, through);
        position = Math.max(position, through);
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        LOG.log(
            Level.WARNING,
            name
                + ": committing "
                + batch.size()
                + " messages through cursor "
                + through
                + " failed; retrying the batch",
            e);
        if (!pause(backoff.delay(attempt++, random))) {
          throw new InterruptedException();
        }
      }
    }
  }

  private boolean pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /**
   * Stops both threads and cancels the open call; waits briefly for the batch being committed. A
   * batch not committed by then stays unacknowledged and is read again after a restart.
   */
  @Override
  public void close() {
    running = false;
    Context.CancellableContext call = currentCall;
    if (call != null) {
      call.cancel(null);
    }
    reader.interrupt();
    writer.interrupt();
    try {
      reader.join(Duration.ofSeconds(10));
      writer.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
