package dev.headroom.plugin;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Stops calling prompt-service after {@code failureThreshold} consecutive failures. While open, a
 * get is answered at once without a call. Once the open period is over, the first get starts one
 * health probe in the background (no user request is spent on it) and the circuit is half-open
 * until the probe answers: SERVING closes it on probation (the next failure reopens it), anything
 * else reopens it for twice as long, up to {@code maxOpen}.
 */
final class CircuitBreaker {
  enum ProbeResult {
    SERVING,
    NOT_SERVING,
    FAILED
  }

  private final int failureThreshold;
  private final long minOpenNanos;
  private final long maxOpenNanos;
  private final LongSupplier ticker;
  private final Supplier<CompletionStage<ProbeResult>> probe;
  private final HeadroomListener listener;

  private CircuitState state = CircuitState.CLOSED;
  private int consecutiveFailures;
  private long openNanos;
  private long openUntil;
  private boolean lastProbeNotServing;

  CircuitBreaker(
      int failureThreshold,
      Duration minOpen,
      Duration maxOpen,
      LongSupplier ticker,
      Supplier<CompletionStage<ProbeResult>> probe,
      HeadroomListener listener) {
    this.failureThreshold = failureThreshold;
    this.minOpenNanos = minOpen.toNanos();
    this.maxOpenNanos = Math.max(minOpenNanos, maxOpen.toNanos());
    this.ticker = ticker;
    this.probe = probe;
    this.listener = listener;
    this.openNanos = minOpenNanos;
  }

  synchronized CircuitState state() {
    return state;
  }

  /** Null when the call may go ahead; otherwise why it must not be made. */
  NoPromptReason admit() {
    boolean startProbe;
    synchronized (this) {
      if (state == CircuitState.CLOSED) {
        return null;
      }
      startProbe = state == CircuitState.OPEN && ticker.getAsLong() - openUntil >= 0;
      if (startProbe) {
        moveTo(CircuitState.HALF_OPEN);
      }
    }
    NoPromptReason blocked = blockedReason();
    if (startProbe) {
      startProbe();
    }
    return blocked;
  }

  private synchronized NoPromptReason blockedReason() {
    return lastProbeNotServing ? NoPromptReason.NOT_SERVING : NoPromptReason.CIRCUIT_OPEN;
  }

  private void startProbe() {
    CompletionStage<ProbeResult> running;
    try {
      running = probe.get();
    } catch (RuntimeException e) {
      probed(ProbeResult.FAILED);
      return;
    }
    running.whenComplete((result, error) -> probed(error == null ? result : ProbeResult.FAILED));
  }

  private synchronized void probed(ProbeResult result) {
    if (state != CircuitState.HALF_OPEN) {
      return;
    }
    lastProbeNotServing = result == ProbeResult.NOT_SERVING;
    if (result == ProbeResult.SERVING) {
      consecutiveFailures = failureThreshold - 1;
      openNanos = minOpenNanos;
      moveTo(CircuitState.CLOSED);
    } else {
      openNanos = Math.min(maxOpenNanos, openNanos * 2);
      open();
    }
  }

  synchronized void onSuccess() {
    consecutiveFailures = 0;
  }

  synchronized void onFailure() {
    if (state != CircuitState.CLOSED) {
      return;
    }
    consecutiveFailures++;
    if (consecutiveFailures >= failureThreshold) {
      lastProbeNotServing = false;
      open();
    }
  }

  private void open() {
    openUntil = ticker.getAsLong() + openNanos;
    moveTo(CircuitState.OPEN);
  }

  private void moveTo(CircuitState to) {
    CircuitState from = state;
    state = to;
    if (from != to) {
      listener.onCircuitStateChanged(from, to);
    }
  }
}
