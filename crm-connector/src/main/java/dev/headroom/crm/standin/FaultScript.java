package dev.headroom.crm.standin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Scripted misbehaviour of a stand-in: each data request (not the token endpoint) takes the next
 * queued fault, if any, and answers with it instead of doing its work.
 */
public final class FaultScript {
  /**
   * One scripted answer.
   *
   * @param retryAfterSeconds sent as Retry-After when positive
   * @param contentType the body's content type (an HTML error page is a realistic failure too)
   */
  public record Fault(int status, int retryAfterSeconds, String contentType, String body) {}

  /**
   * A data request held before it is answered, as a CRM that is slow to answer holds it: the test
   * learns when it arrived and lets it go on.
   */
  public static final class Hold {
    /**
     * A held request goes on by itself after this, so a test that forgets cannot hang the server.
     */
    private static final long MAX_HOLD_SECONDS = 60;

    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** True once the held request arrived, within {@code timeout}. */
    public boolean awaitArrival(Duration timeout) throws InterruptedException {
      return arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void release() {
      released.countDown();
    }

    void block() {
      arrived.countDown();
      try {
        released.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final Deque<Fault> queue = new ArrayDeque<>();
  private Hold nextHold;

  /** Holds the next data request until the returned hold is released (then it is answered). */
  public synchronized Hold holdNext() {
    nextHold = new Hold();
    return nextHold;
  }

  synchronized Optional<Hold> takeHold() {
    Optional<Hold> hold = Optional.ofNullable(nextHold);
    nextHold = null;
    return hold;
  }

  public synchronized FaultScript then(Fault fault, int times) {
    for (int i = 0; i < times; i++) {
      queue.addLast(fault);
    }
    return this;
  }

  /** 503 with an HTML maintenance page, {@code times} requests in a row. */
  public FaultScript unavailable(int times) {
    return then(
        new Fault(
            503,
            0,
            "text/html",
            "<html><body><h1>Service Unavailable</h1>Down for maintenance</body></html>"),
        times);
  }

  /** A body that is not the JSON the API promises (cut off mid-way). */
  public FaultScript truncatedJson(int status) {
    return then(new Fault(status, 0, "application/json", "[{\"id\":\"001"), 1);
  }

  public synchronized void clear() {
    queue.clear();
  }

  synchronized Optional<Fault> next() {
    return Optional.ofNullable(queue.pollFirst());
  }
}
