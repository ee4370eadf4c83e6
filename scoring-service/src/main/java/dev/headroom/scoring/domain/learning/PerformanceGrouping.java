package dev.headroom.scoring.domain.learning;

/** How to break signal performance down beside the signal type. */
public enum PerformanceGrouping {
  SIGNAL_TYPE,
  /** Signal type × the band of the score when the signal fired. */
  BAND,
  /** Signal type × the motion recommended when the signal fired. */
  MOTION
}
