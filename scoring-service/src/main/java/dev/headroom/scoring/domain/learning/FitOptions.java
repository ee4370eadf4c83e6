package dev.headroom.scoring.domain.learning;

import dev.headroom.kit.error.DomainException;

/**
 * How to fit.
 *
 * @param holdoutFraction share of the outcomes (per class) held out for validation, in (0, 0.5]
 * @param seed seed of the train/holdout split: the same outcomes and seed give the same split and
 *     proposal
 * @param lambda L2 penalty on the category coefficients (not the intercept); 0 disables it, which
 *     lets perfectly separable outcomes drive the coefficients to infinity
 * @param minOutcomes the fewest outcomes with a preceding score to fit on
 * @param minPerClass the fewest won and the fewest lost outcomes to fit on
 */
public record FitOptions(
    double holdoutFraction, long seed, double lambda, int minOutcomes, int minPerClass) {
  public static final double DEFAULT_HOLDOUT_FRACTION = 0.25;

  /**
   * A weak Gaussian prior (σ ≈ 3 on coefficients of features in [0, 1]): negligible next to the
   * likelihood of a few hundred outcomes, but it keeps the Newton steps finite when the outcomes
   * happen to be separable.
   */
  public static final double DEFAULT_LAMBDA = 0.1;

  public static final int DEFAULT_MIN_OUTCOMES = 30;
  public static final int DEFAULT_MIN_PER_CLASS = 5;

  public FitOptions {
    DomainException.Violations violations = new DomainException.Violations();
    violations.check(
        holdoutFraction > 0 && holdoutFraction <= 0.5,
        "holdout_fraction",
        "must be in (0, 0.5], got " + holdoutFraction);
    violations.throwIfAny();
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0: " + lambda);
    }
    if (minOutcomes < 2 || minPerClass < 2) {
      throw new IllegalArgumentException("a fit needs at least 2 outcomes of each class");
    }
  }

  /** From FitModelRequest: a holdout fraction of 0 means the default 0.25. */
  public static FitOptions fromRequest(double holdoutFraction, long seed) {
    return new FitOptions(
        holdoutFraction == 0 ? DEFAULT_HOLDOUT_FRACTION : holdoutFraction,
        seed,
        DEFAULT_LAMBDA,
        DEFAULT_MIN_OUTCOMES,
        DEFAULT_MIN_PER_CLASS);
  }

  public FitOptions withLambda(double newLambda) {
    return new FitOptions(holdoutFraction, seed, newLambda, minOutcomes, minPerClass);
  }
}
