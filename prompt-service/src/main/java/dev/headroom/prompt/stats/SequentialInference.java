package dev.headroom.prompt.stats;

import java.util.Optional;

/**
 * Always-valid confidence sequence and p-value of gbstats' sequential two-sided t-test
 * (Waudby-Smith et al. 2023, eqs. 9, 155 and 161).
 */
final class SequentialInference {
  private SequentialInference() {}

  /**
   * @param estimate the lift's point estimate
   * @param standardError its standard error
   * @param totalUnits units in the control and the treatment together
   */
  static Inference of(
      double estimate, double standardError, long totalUnits, double alpha, double tuning) {
    double n = totalUnits;
    double logAlpha = Math.log(alpha);
    double rhoSquared = (-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuning;
    double nRhoSquaredPlusOne = n * rhoSquared + 1;
    double perObservationVariance = standardError * standardError * n;
    double halfWidth =
        Math.sqrt(perObservationVariance)
            * Math.sqrt(
                2
                    * nRhoSquaredPlusOne
                    * Math.log(Math.sqrt(nRhoSquaredPlusOne) / alpha)
                    / (n * n * rhoSquared));
    double scaledStatisticSquared = estimate * estimate * n / (standardError * standardError);
    double eValue =
        Math.exp(rhoSquared * scaledStatisticSquared / (2 * nRhoSquaredPlusOne))
            / Math.sqrt(nRhoSquaredPlusOne);
    return new Inference(
        new Interval(estimate - halfWidth, estimate + halfWidth),
        Math.min(1 / eValue, 1),
        Optional.empty());
  }
}
