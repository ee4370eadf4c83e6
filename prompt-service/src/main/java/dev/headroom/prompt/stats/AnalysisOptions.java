package dev.headroom.prompt.stats;

import java.util.Objects;

/**
 * How to analyse.
 *
 * @param alpha significance level: intervals are (1 - alpha), default 0.05 (95 % intervals)
 * @param sequential always-valid inference, off by default
 * @param minimumData thresholds of the minimum-data warning
 * @param srmThreshold a sample ratio check p-value below this flags a mismatch, default 0.001
 */
public record AnalysisOptions(
    double alpha, SequentialOptions sequential, MinimumData minimumData, double srmThreshold) {

  public static final double DEFAULT_ALPHA = 0.05;
  public static final double DEFAULT_SRM_THRESHOLD = 0.001;

  /** alpha 0.05, sequential off, {@link MinimumData#DEFAULT}, SRM flagged below p = 0.001. */
  public static final AnalysisOptions DEFAULTS =
      new AnalysisOptions(
          DEFAULT_ALPHA, SequentialOptions.off(), MinimumData.DEFAULT, DEFAULT_SRM_THRESHOLD);

  public AnalysisOptions {
    Objects.requireNonNull(sequential, "sequential");
    Objects.requireNonNull(minimumData, "minimumData");
  }

  /** These options with sequential inference on at the given tuning parameter. */
  public AnalysisOptions withSequential(double tuningParameter) {
    return new AnalysisOptions(
        alpha, SequentialOptions.on(tuningParameter), minimumData, srmThreshold);
  }
}
