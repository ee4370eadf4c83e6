package dev.headroom.plugin;

import io.grpc.Status;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fans every notification out to the client's own counters and the host's listener; a host listener
 * that throws is logged at FINE and otherwise ignored.
 */
final class Listeners implements HeadroomListener {
  private static final Logger LOG = Logger.getLogger(Listeners.class.getName());
  private final StatsRecorder stats;
  private final HeadroomListener host;

  Listeners(StatsRecorder stats, HeadroomListener host) {
    this.stats = stats;
    this.host = host;
  }

  private void guarded(String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, e, () -> "HeadroomListener." + what + " threw; ignored");
    }
  }

  @Override
  public void onDecision(PromptDecision decision, long elapsedNanos) {
    stats.onDecision(decision, elapsedNanos);
    guarded("onDecision", () -> host.onDecision(decision, elapsedNanos));
  }

  @Override
  public void onCallFailed(Status status) {
    guarded("onCallFailed", () -> host.onCallFailed(status));
  }

  @Override
  public void onCircuitStateChanged(CircuitState from, CircuitState to) {
    guarded("onCircuitStateChanged", () -> host.onCircuitStateChanged(from, to));
  }

  @Override
  public void onEventsDelivered(EventStream stream, int count) {
    stats.onEventsDelivered(stream, count);
    guarded("onEventsDelivered", () -> host.onEventsDelivered(stream, count));
  }

  @Override
  public void onEventsRejected(EventStream stream, List<RejectedEvent> rejected) {
    stats.onEventsRejected(stream, rejected);
    guarded("onEventsRejected", () -> host.onEventsRejected(stream, rejected));
  }

  @Override
  public void onEventsUndelivered(EventStream stream, int count, UndeliveredReason reason) {
    stats.onEventsUndelivered(stream, count, reason);
    guarded("onEventsUndelivered", () -> host.onEventsUndelivered(stream, count, reason));
  }

  @Override
  public void onBatchRetry(EventStream stream, int attempt, Status status) {
    stats.onBatchRetry(stream, attempt, status);
    guarded("onBatchRetry", () -> host.onBatchRetry(stream, attempt, status));
  }
}
