package dev.headroom.prompt.campaign;

/** What makes a campaign applicable. */
public enum TriggerType {
  FEATURE_GATE,
  SEAT_LIMIT,
  USAGE_LIMIT,
  SCORE_BAND,
  CROSS_SELL
}
