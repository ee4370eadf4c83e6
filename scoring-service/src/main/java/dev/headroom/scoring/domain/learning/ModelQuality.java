package dev.headroom.scoring.domain.learning;

/**
 * Validation quality of a model on the held-out outcomes.
 *
 * @param auc area under the ROC curve, 0-1 (0.5 = ranks no better than chance)
 * @param logLoss mean negative log-likelihood of the outcomes (lower is better; 0.693 = a coin
 *     flip)
 */
public record ModelQuality(double auc, double logLoss, int holdoutSize, int holdoutPositives) {}
