package dev.headroom.prompt.stats;

/**
 * The Bayesian reading of one lift: Gaussian posterior with a flat prior.
 *
 * @param chanceToBeatControl posterior probability that the lift is above zero
 * @param credibleInterval equal-tailed (1 - alpha) credible interval of the lift
 * @param expectedLoss expected lift given up by shipping the treatment, E[max(0, -lift)] (the
 *     "risk" GrowthBook shows)
 * @param controlExpectedLoss expected lift given up by keeping the control, E[max(0, lift)]
 */
public record BayesianResult(
    double chanceToBeatControl,
    Interval credibleInterval,
    double expectedLoss,
    double controlExpectedLoss) {}
