package dev.headroom.scoring.domain.learning;

import dev.headroom.scoring.domain.ScoringModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fit proposes. Nothing is activated: the proposal is data for an admin to compare and
 * activate.
 *
 * @param proposal the active model's parameters with the fitted weights; version 0 until stored
 * @param coefficients the logistic regression coefficient per category key, and {@code intercept}
 * @param proposalQuality the fitted regression's quality on the holdout
 * @param activeModelQuality the active model's quality on the same holdout
 * @param trainingSize outcomes fitted on
 * @param outcomesWithoutScore outcomes left out because no score preceded them
 * @param converged whether Newton's method met its tolerance within the iteration cap
 */
public record FitResult(
    ScoringModel proposal,
    Map<String, Double> coefficients,
    ModelQuality proposalQuality,
    ModelQuality activeModelQuality,
    List<FitWarning> warnings,
    int trainingSize,
    int outcomesWithoutScore,
    int iterations,
    boolean converged) {
  public FitResult {
    coefficients = Collections.unmodifiableMap(new LinkedHashMap<>(coefficients));
    warnings = List.copyOf(warnings);
  }
}
