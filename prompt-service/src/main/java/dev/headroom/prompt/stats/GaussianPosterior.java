package dev.headroom.prompt.stats;

/**
 * gbstats' effect-space Bayesian test with a flat prior: the posterior of the lift is normal with
 * the data's mean and standard error.
 */
final class GaussianPosterior {
  private GaussianPosterior() {}

  static BayesianResult of(double mean, double standardDeviation, double alpha) {
    double z = mean / standardDeviation;
    double chanceToBeatControl = StandardNormal.cdf(z);
    Interval credible =
        new Interval(
            mean + standardDeviation * StandardNormal.quantile(alpha / 2),
            mean + standardDeviation * StandardNormal.quantile(1 - alpha / 2));
    // E[max(0, X)] and E[max(0, -X)] for X ~ N(mean, sd^2): the truncated-normal means weighted by
    // the probability of each side, as gbstats' get_risk.
    double densityTerm = standardDeviation * StandardNormal.density(z);
    double controlLoss = mean * StandardNormal.cdf(z) + densityTerm;
    double treatmentLoss = -mean * StandardNormal.cdf(-z) + densityTerm;
    return new BayesianResult(chanceToBeatControl, credible, treatmentLoss, controlLoss);
  }
}
