package dev.headroom.plugin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Delivers events in the background: a bounded buffer that never blocks the host, one sender thread
 * that sends batches, retries a failed batch with backoff (the same ids, so the service counts a
 * retried event once), and accounts for every event as delivered, rejected or undelivered with a
 * reason.
 */
final class EventPipeline<E> {
  /** Sends one batch; a whole-batch failure is a {@link StatusRuntimeException}. */
  interface Sender<E> {
    Result send(List<E> batch);
  }

  /** What the service did with a batch it answered. */
  record Result(int delivered, List<RejectedEvent> rejected) {
    /**
     * The services answer one result per event: what they did not refuse, they stored (or had
     * already, for a resent event).
     */
    static Result of(int sent, List<RejectedEvent> rejected) {
      return new Result(sent - rejected.size(), List.copyOf(rejected));
    }
  }

  /** The pipeline's bounds. */
  record Settings(
      int capacity,
      int batchSize,
      Duration linger,
      Backoff backoff,
      Duration retryBudget,
      Duration closeTimeout) {}

  private static final long WAKE_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final EventStream stream;
  private final Sender<E> sender;
  private final Settings settings;
  private final HeadroomListener listener;
  private final LongSupplier ticker;
  private final BlockingQueue<E> queue;
  private final AtomicInteger inHand = new AtomicInteger();
  private final Thread thread;
  // Offers that passed the closing check and may not have reached the queue yet; beginClose() waits
  // for them so that no event slips in after the final drain uncounted.
  private final AtomicInteger offering = new AtomicInteger();
  private volatile boolean closing;
  private volatile boolean lastOfferLanded;

  EventPipeline(
      EventStream stream,
      Sender<E> sender,
      Settings settings,
      HeadroomListener listener,
      LongSupplier ticker) {
    this.stream = stream;
    this.sender = sender;
    this.settings = settings;
    this.listener = listener;
    this.ticker = ticker;
    this.queue = new ArrayBlockingQueue<>(settings.capacity());
    this.thread =
        new Thread(this::run, "headroom-" + stream.name().toLowerCase(Locale.ROOT) + "-sender");
    thread.setDaemon(true);
    thread.start();
  }

  /** Buffers an event; never blocks. False (and counted) when the buffer is full or closed. */
  boolean offer(E event) {
    offering.incrementAndGet();
    try {
      if (closing) {
        listener.onEventsUndelivered(stream, 1, UndeliveredReason.CLOSED);
        return false;
      }
      if (!queue.offer(event)) {
        listener.onEventsUndelivered(stream, 1, UndeliveredReason.BUFFER_FULL);
        return false;
      }
      return true;
    } finally {
      offering.decrementAndGet();
    }
  }

  /** Events waiting in memory, including a batch being sent. */
  int buffered() {
    return queue.size() + inHand.get();
  }

  private void run() {
    List<E> batch = new ArrayList<>(settings.batchSize());
    try {
      while (!lastOfferLanded || !queue.isEmpty()) {
        E first = queue.poll(WAKE_UP_NANOS, TimeUnit.NANOSECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        fill(batch);
        inHand.set(batch.size());
        deliver(batch);
        batch.clear();
        inHand.set(0);
      }
    } catch (InterruptedException e) {
      // close() ran out of time: what is still in hand is reported below.
    } finally {
      if (!batch.isEmpty()) {
        listener.onEventsUndelivered(stream, batch.size(), UndeliveredReason.CLOSED);
      }
      inHand.set(0);
    }
  }

  /** Takes more events until the batch is full or the linger time is over. */
  private void fill(List<E> batch) throws InterruptedException {
    long lingerEnds = ticker.getAsLong() + settings.linger().toNanos();
    while (batch.size() < settings.batchSize()) {
      queue.drainTo(batch, settings.batchSize() - batch.size());
      long remaining = lingerEnds - ticker.getAsLong();
      if (batch.size() >= settings.batchSize() || closing || remaining <= 0) {
        return;
      }
      // Short slices, so that close() does not wait out a long linger.
      E next = queue.poll(Math.min(remaining, WAKE_UP_NANOS), TimeUnit.NANOSECONDS);
      if (next != null) {
        batch.add(next);
      }
    }
  }

  private void deliver(List<E> batch) throws InterruptedException {
    long started = ticker.getAsLong();
    for (int attempt = 1; ; attempt++) {
      Status failure;
      try {
        Result result = sender.send(batch);
        if (result.delivered() > 0) {
          listener.onEventsDelivered(stream, result.delivered());
        }
        if (!result.rejected().isEmpty()) {
          listener.onEventsRejected(stream, result.rejected());
        }
        return;
      } catch (StatusRuntimeException e) {
        failure = e.getStatus();
      } catch (RuntimeException e) {
        failure = Status.INTERNAL.withCause(e);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("closed while sending");
      }
      if (!retryable(failure.getCode())) {
        listener.onEventsUndelivered(stream, batch.size(), UndeliveredReason.PERMANENT_ERROR);
        return;
      }
      long delay = settings.backoff().delayNanos(attempt);
      if (ticker.getAsLong() + delay - started > settings.retryBudget().toNanos()) {
        listener.onEventsUndelivered(stream, batch.size(), UndeliveredReason.RETRIES_EXHAUSTED);
        return;
      }
      listener.onBatchRetry(stream, attempt, failure);
      TimeUnit.NANOSECONDS.sleep(delay);
    }
  }

  /**
   * Statuses a later attempt can succeed after. INTERNAL and UNKNOWN are included: a server or
   * proxy fault is usually transient, and the ids make a repeat harmless.
   */
  private static boolean retryable(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN -> true;
      default -> false;
    };
  }

  /**
   * Stops taking events; the sender goes on with what is buffered. Returns at once, so that several
   * pipelines can flush at the same time before {@link #awaitClosed(long)}.
   */
  void beginClose() {
    closing = true;
    while (offering.get() > 0) {
      Thread.onSpinWait();
    }
    lastOfferLanded = true;
  }

  /** The close timeout from now, on the pipeline's ticker: a deadline for {@link #awaitClosed}. */
  long closeDeadline() {
    return ticker.getAsLong() + settings.closeTimeout().toNanos();
  }

  /**
   * Waits until the sender has sent what is buffered, or until {@code deadline} (a ticker value);
   * whatever is left then is reported undelivered (CLOSED).
   */
  void awaitClosed(long deadline) {
    try {
      long remaining = deadline - ticker.getAsLong();
      if (remaining > 0) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
      }
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join();
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
    List<E> left = new ArrayList<>();
    queue.drainTo(left);
    if (!left.isEmpty()) {
      listener.onEventsUndelivered(stream, left.size(), UndeliveredReason.CLOSED);
    }
  }
}
