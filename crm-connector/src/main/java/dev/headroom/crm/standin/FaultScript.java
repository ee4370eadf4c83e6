package dev.headroom.crm.standin;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

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

  private final Deque<Fault> queue = new ArrayDeque<>();

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
