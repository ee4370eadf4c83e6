package dev.headroom.plugin;

/** The state of the client's circuit breaker in front of prompt-service. */
public enum CircuitState {
  /** Calls go through. */
  CLOSED,
  /** Calls are not made: every get answers {@link NoPromptReason#CIRCUIT_OPEN} at once. */
  OPEN,
  /** A health probe is checking whether the service is back; calls are not made meanwhile. */
  HALF_OPEN
}
