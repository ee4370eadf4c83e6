package dev.headroom.prompt.stats;

/**
 * Sample ratio mismatch: chi-square goodness of fit of every arm's units (holdout included) against
 * the intended weights.
 *
 * @param chiSquare the statistic, sum of (observed - expected)^2 / expected
 * @param degreesOfFreedom arms - 1
 * @param pValue upper-tail probability of the statistic (1 when there are no units at all)
 * @param mismatch true when pValue is below the threshold: the split is broken and the comparisons
 *     are not trustworthy
 */
public record SrmCheck(double chiSquare, int degreesOfFreedom, double pValue, boolean mismatch) {}
