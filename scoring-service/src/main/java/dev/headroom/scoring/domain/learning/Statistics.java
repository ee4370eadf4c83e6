package dev.headroom.scoring.domain.learning;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The few statistics the learning reports need, written out so their tie and edge rules are
 * explicit.
 */
public final class Statistics {
  /** The 97.5th percentile of the standard normal: a two-sided 95% interval. */
  public static final double Z_95 = 1.959963984540054;

  /**
   * Probabilities are kept this far from 0 and 1 in the log loss so one confident miss is costly,
   * not infinite.
   */
  static final double PROBABILITY_FLOOR = 1e-15;

  private static final double SECONDS_PER_DAY = 86_400.0;

  private Statistics() {}

  /** A closed interval of proportions. */
  public record Interval(double low, double high) {}

  /**
   * The 95% Wilson score interval of {@code successes} out of {@code trials}. Unlike the normal
   * approximation it stays within [0, 1] and is not degenerate at 0 or n successes (0 of 10 → [0,
   * 0.278]). [0, 1] for no trials.
   */
  public static Interval wilson95(long successes, long trials) {
    if (trials < 0 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException(successes + " successes of " + trials + " trials");
    }
    if (trials == 0) {
      return new Interval(0, 1);
    }
    double n = trials;
    double p = successes / n;
    double z2 = Z_95 * Z_95;
    double denominator = 1 + z2 / n;
    double center = (p + z2 / (2 * n)) / denominator;
    double half = Z_95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    // Clamp the rounding dust at the ends (0 of n gives center == half mathematically).
    return new Interval(Math.max(0, center - half), Math.min(1, center + half));
  }

  /** A duration in fractional days of 24 hours. */
  public static double days(Duration d) {
    return d.getSeconds() / SECONDS_PER_DAY + d.getNano() / 1e9 / SECONDS_PER_DAY;
  }

  /** The median; the mean of the two middle values for an even count; 0 for none. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return 0;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * Area under the ROC curve by ranks (Mann-Whitney U): the chance that a random positive scores
   * above a random negative, a tie counting one half (tied scores get their average rank). Needs
   * both classes.
   */
  public static double auc(double[] scores, boolean[] positive) {
    int n = scores.length;
    if (positive.length != n) {
      throw new IllegalArgumentException("scores and labels differ in length");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double[] rank = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midrank = (i + j) / 2.0 + 1; // ranks are 1-based
      for (int k = i; k <= j; k++) {
        rank[order[k]] = midrank;
      }
      i = j + 1;
    }
    long positives = 0;
    double rankSum = 0;
    for (int k = 0; k < n; k++) {
      if (positive[k]) {
        positives++;
        rankSum += rank[k];
      }
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("AUC needs both classes");
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Mean negative log-likelihood of the labels under the predicted probabilities. */
  public static double logLoss(double[] probabilities, boolean[] positive) {
    if (probabilities.length != positive.length || probabilities.length == 0) {
      throw new IllegalArgumentException(
          "need equally many probabilities and labels, at least one");
    }
    double sum = 0;
    for (int k = 0; k < probabilities.length; k++) {
      double p = Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, probabilities[k]));
      sum -= positive[k] ? Math.log(p) : Math.log(1 - p);
    }
    return sum / probabilities.length;
  }

  /** The logistic function, without overflow for large |z|. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1 / (1 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1 + e);
  }
}
