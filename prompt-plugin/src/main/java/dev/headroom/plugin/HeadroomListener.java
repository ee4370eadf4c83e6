package dev.headroom.plugin;

import io.grpc.Status;
import java.util.List;

/**
 * Receives what the client does, for the host's metrics and logs. Every method has an empty
 * default, so implement only what you need. Methods are called on the caller's thread (decisions)
 * or the client's sender threads (events); keep them fast. An exception thrown here is swallowed so
 * that it never reaches the host's request path.
 *
 * <p>The client counts the same things itself ({@link HeadroomClient#stats()}); the listener is the
 * hook for Micrometer or any other metrics library:
 *
 * <pre>{@code
 * new HeadroomListener() {
 *   public void onDecision(PromptDecision d, long nanos) {
 *     registry.timer("headroom.get", "outcome", d.noPromptReason().map(Enum::name).orElse("PROMPT"))
 *         .record(nanos, TimeUnit.NANOSECONDS);
 *   }
 * }
 * }</pre>
 */
public interface HeadroomListener {
  /** A get returned, after {@code elapsedNanos} on the caller's thread. */
  default void onDecision(PromptDecision decision, long elapsedNanos) {}

  /** A GetPrompt call or health probe failed with this status. */
  default void onCallFailed(Status status) {}

  /** The circuit breaker changed state. */
  default void onCircuitStateChanged(CircuitState from, CircuitState to) {}

  /**
   * The service stored these events (or had them already: a retried batch is not counted twice).
   */
  default void onEventsDelivered(EventStream stream, int count) {}

  /** The service refused these events for their content; they are not retried. */
  default void onEventsRejected(EventStream stream, List<RejectedEvent> rejected) {}

  /** These events were given up without reaching the service. */
  default void onEventsUndelivered(EventStream stream, int count, UndeliveredReason reason) {}

  /** A batch failed with a retryable status and will be sent again (attempt counts from 1). */
  default void onBatchRetry(EventStream stream, int attempt, Status status) {}
}
