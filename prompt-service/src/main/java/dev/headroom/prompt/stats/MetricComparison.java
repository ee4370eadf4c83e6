package dev.headroom.prompt.stats;

/** A treatment compared with the control on one metric, or why it cannot be yet. */
public sealed interface MetricComparison {

  /**
   * The comparison.
   *
   * @param controlMean the control's per-unit mean (conversion rate, revenue per unit, dismiss
   *     rate)
   * @param treatmentMean the treatment's per-unit mean
   * @param degreesOfFreedom Welch-Satterthwaite degrees of freedom of the t-test
   * @param relative the relative lift (GrowthBook's default reading)
   * @param absolute the absolute lift
   */
  record Compared(
      double controlMean,
      double treatmentMean,
      double degreesOfFreedom,
      Lift relative,
      Lift absolute)
      implements MetricComparison {}

  /** No number can be given yet; never a NaN or a made-up value. */
  record CannotCompareYet(CannotCompareReason reason) implements MetricComparison {}
}
