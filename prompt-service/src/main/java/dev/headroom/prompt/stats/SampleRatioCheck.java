package dev.headroom.prompt.stats;

import java.util.List;
import org.hipparchus.special.Gamma;

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
    // The chi-square upper tail Q(k/2, x/2) directly, as gbstats' chi2.sf: 1 - CDF would round a
    // strong mismatch's p-value to 0.
    double pValue = Gamma.regularizedGammaQ(degreesOfFreedom / 2.0, chiSquare / 2);
    return new SrmCheck(chiSquare, degreesOfFreedom, pValue, pValue < threshold);
  }
}
