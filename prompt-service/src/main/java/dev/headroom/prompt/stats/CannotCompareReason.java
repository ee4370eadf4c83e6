package dev.headroom.prompt.stats;

/** Why a metric cannot be compared yet: the comparison would be undefined, not just noisy. */
public enum CannotCompareReason {
  /** The control or the treatment has no units. */
  NO_UNITS,
  /** The control's mean is zero (for example no conversion yet): a relative lift is undefined. */
  ZERO_BASELINE,
  /**
   * The control or the treatment has zero variance (every unit alike, e.g. no conversions or all
   * conversions, or a single unit): the t-statistic is undefined.
   */
  ZERO_VARIANCE
}
