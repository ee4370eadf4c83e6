package dev.headroom.prompt.stats;

import org.hipparchus.distribution.continuous.NormalDistribution;

/** Standard normal probabilities for the Gaussian posterior. */
final class StandardNormal {
  private static final NormalDistribution DISTRIBUTION = new NormalDistribution(0, 1);

  private StandardNormal() {}

  static double cdf(double x) {
    return DISTRIBUTION.cumulativeProbability(x);
  }

  static double density(double x) {
    return DISTRIBUTION.density(x);
  }

  static double quantile(double probability) {
    return DISTRIBUTION.inverseCumulativeProbability(probability);
  }
}
