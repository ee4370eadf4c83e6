package dev.headroom.prompt.stats;

import java.util.List;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;

/** gbstats' check_srm: chi-square goodness of fit of observed units against intended weights. */
final class SampleRatioCheck {
  private SampleRatioCheck() {}

  static SrmCheck check(List<Long> units, List<Double> weights, double threshold) {
    int degreesOfFreedom = units.size() - 1;
    double totalUnits = units.stream().mapToLong(Long::longValue).sum();
    if (totalUnits == 0) {
      return new SrmCheck(0, degreesOfFreedom, 1, false);
    }
    double totalWeight = weights.stream().mapToDouble(Double::doubleValue).sum();
    double chiSquare = 0;
    for (int i = 0; i < units.size(); i++) {
      double expected = weights.get(i) / totalWeight * totalUnits;
      double deviation = units.get(i) - expected;
      chiSquare += deviation * deviation / expected;
    }
    double pValue =
        1 - new ChiSquaredDistribution(degreesOfFreedom).cumulativeProbability(chiSquare);
    return new SrmCheck(chiSquare, degreesOfFreedom, pValue, pValue < threshold);
  }
}
