package dev.headroom.prompt.stats;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Multiple-comparison adjustments of a family of p-values (one per treatment arm). */
final class PValueAdjustment {
  private PValueAdjustment() {}

  /**
   * Holm-Bonferroni: with p sorted ascending, adjusted p(i) = max over j <= i of min(1, (m - j + 1)
   * p(j)) (1-based); returned in the input order.
   */
  static double[] holm(double[] pValues) {
    int m = pValues.length;
    Integer[] order = ascending(pValues);
    double[] adjusted = new double[m];
    double running = 0;
    for (int rank = 0; rank < m; rank++) {
      int i = order[rank];
      running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
      adjusted[i] = running;
    }
    return adjusted;
  }

  /**
   * Benjamini-Hochberg: with p sorted ascending, adjusted p(i) = min over j >= i of min(1, m p(j) /
   * j) (1-based); returned in the input order.
   */
  static double[] benjaminiHochberg(double[] pValues) {
    int m = pValues.length;
    Integer[] order = ascending(pValues);
    double[] adjusted = new double[m];
    double running = 1;
    for (int rank = m - 1; rank >= 0; rank--) {
      int i = order[rank];
      running = Math.min(running, Math.min(1, m * pValues[i] / (rank + 1)));
      adjusted[i] = running;
    }
    return adjusted;
  }

  private static Integer[] ascending(double[] pValues) {
    Integer[] order = IntStream.range(0, pValues.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    return order;
  }
}
