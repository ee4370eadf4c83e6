package dev.headroom.prompt.stats;

import java.util.Optional;

/**
 * Treatment against control on one per-unit metric: Welch's t-test with Welch-Satterthwaite degrees
 * of freedom, the delta method for the relative lift, the flat-prior Gaussian posterior and, when
 * asked, the sequential confidence sequence.
 */
final class MeanComparison {
  private MeanComparison() {}

  static MetricComparison compare(
      PerUnitStatistic control, PerUnitStatistic treatment, AnalysisOptions options) {
    if (control.n() == 0 || treatment.n() == 0) {
      return new MetricComparison.CannotCompareYet(CannotCompareReason.NO_UNITS);
    }
    if (control.mean() == 0) {
      return new MetricComparison.CannotCompareYet(CannotCompareReason.ZERO_BASELINE);
    }
    if (!(control.variance() > 0) || !(treatment.variance() > 0)) {
      return new MetricComparison.CannotCompareYet(CannotCompareReason.ZERO_VARIANCE);
    }
    double meanA = control.mean();
    double meanB = treatment.mean();
    double errorA = control.variance() / control.n();
    double errorB = treatment.variance() / treatment.n();
    double degreesOfFreedom =
        square(errorA + errorB)
            / (square(errorB) / (treatment.n() - 1) + square(errorA) / (control.n() - 1));
    StudentT t = new StudentT(degreesOfFreedom);
    long totalUnits = control.n() + treatment.n();

    double relativeVariance =
        errorB / square(meanA) + errorA * square(meanB) / square(square(meanA));
    Lift relative = lift((meanB - meanA) / meanA, relativeVariance, t, totalUnits, options);
    Lift absolute = lift(meanB - meanA, errorA + errorB, t, totalUnits, options);
    return new MetricComparison.Compared(meanA, meanB, degreesOfFreedom, relative, absolute);
  }

  private static Lift lift(
      double estimate, double variance, StudentT t, long totalUnits, AnalysisOptions options) {
    double alpha = options.alpha();
    double standardError = Math.sqrt(variance);
    double halfWidth = t.quantile(1 - alpha / 2) * standardError;
    Inference fixed =
        new Inference(
            new Interval(estimate - halfWidth, estimate + halfWidth),
            t.twoSidedPValue(estimate / standardError),
            Optional.empty());
    Optional<Inference> sequential =
        options.sequential().enabled()
            ? Optional.of(
                SequentialInference.of(
                    estimate,
                    standardError,
                    totalUnits,
                    alpha,
                    options.sequential().tuningParameter()))
            : Optional.empty();
    return new Lift(
        estimate,
        standardError,
        fixed,
        sequential,
        GaussianPosterior.of(estimate, standardError, alpha));
  }

  private static double square(double x) {
    return x * x;
  }
}
