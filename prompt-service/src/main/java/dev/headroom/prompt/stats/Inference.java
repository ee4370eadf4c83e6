package dev.headroom.prompt.stats;

import java.util.Optional;

/**
 * A frequentist answer for one lift: its interval at 1 - alpha and its two-sided p-value.
 *
 * @param interval the confidence interval (fixed-horizon) or confidence sequence (sequential)
 * @param pValue two-sided p-value of "no difference"
 * @param adjusted present when several treatment arms were compared: the adjusted p-values
 */
public record Inference(Interval interval, double pValue, Optional<AdjustedPValues> adjusted) {

  Inference withAdjusted(AdjustedPValues adjustedPValues) {
    return new Inference(interval, pValue, Optional.of(adjustedPValues));
  }
}
