package dev.headroom.scoring.domain.learning;

/** What became of an expansion opportunity. */
public enum OutcomeResult {
  WON,
  LOST
}
