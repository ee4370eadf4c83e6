package dev.headroom.prompt.stats;

/**
 * The sample an arm gives for one per-unit metric: unit count, mean and variance of the per-unit
 * values (gbstats' ProportionStatistic and SampleMeanStatistic).
 */
record PerUnitStatistic(long n, double mean, double variance) {

  /** A 0/1 per-unit metric: mean p = successes / n, variance p (1 - p). */
  static PerUnitStatistic proportion(long successes, long n) {
    if (n == 0) {
      return new PerUnitStatistic(0, 0, 0);
    }
    double p = (double) successes / n;
    return new PerUnitStatistic(n, p, p * (1 - p));
  }

  /**
   * A continuous per-unit metric from its sum and sum of squares: the sample variance (sum of
   * squares - sum^2 / n) / (n - 1), zero for fewer than two units.
   */
  static PerUnitStatistic sampleMean(long n, double sum, double sumOfSquares) {
    if (n == 0) {
      return new PerUnitStatistic(0, 0, 0);
    }
    double variance = n < 2 ? 0 : (sumOfSquares - sum * sum / n) / (n - 1);
    return new PerUnitStatistic(n, sum / n, variance);
  }
}
