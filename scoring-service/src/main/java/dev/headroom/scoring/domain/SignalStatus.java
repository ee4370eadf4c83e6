package dev.headroom.scoring.domain;

/**
 * The state of a signal that holds at the evaluation instant (resolved signals are not scoring
 * input).
 */
public enum SignalStatus {
  /** The condition holds but its sustain period has not elapsed yet: never acted on. */
  PENDING,
  /**
   * The condition holds (and was sustained) on an activated account: the only status that yields
   * types.
   */
  ACTIVE,
  /** The condition holds on an account that is not activated: recorded, never acted on. */
  SUPPRESSED
}
