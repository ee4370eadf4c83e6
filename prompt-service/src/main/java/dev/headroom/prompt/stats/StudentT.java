package dev.headroom.prompt.stats;

import org.hipparchus.distribution.continuous.TDistribution;

/** Student t probabilities for the Welch test. */
final class StudentT {
  /**
   * Hipparchus inverts the t CDF with a root solver whose default absolute accuracy (1e-9) would
   * cost digits of the interval bounds; ask for close to double precision instead.
   */
  private static final double QUANTILE_ACCURACY = 1e-14;

  private final TDistribution distribution;

  StudentT(double degreesOfFreedom) {
    distribution = new TDistribution(degreesOfFreedom, QUANTILE_ACCURACY);
  }

  /** 2 (1 - F(|t|)), as gbstats computes it. */
  double twoSidedPValue(double t) {
    return 2 * (1 - distribution.cumulativeProbability(Math.abs(t)));
  }

  double quantile(double probability) {
    return distribution.inverseCumulativeProbability(probability);
  }
}
