package dev.headroom.scoring.domain;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The points one category contributed, with the metric values behind them.
 *
 * @param points exact, unrounded: {@code maxPoints × fraction}
 * @param fraction 0-1, independent of the weights: the feature the model fit learns from
 * @param inputs metric name to exact decimal value, in a stable order
 * @param explanation the formula with the values filled in, for people
 */
public record CategoryScore(
    ScoreCategory category,
    Rational points,
    Rational fraction,
    int maxPoints,
    Map<String, String> inputs,
    String explanation) {
  /**
   * Decimal places shown when the points have no finite decimal expansion (25 × 17/30 = 14.166667).
   */
  public static final int DISPLAY_SCALE = 6;

  public CategoryScore {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(points, "points");
    Objects.requireNonNull(fraction, "fraction");
    Objects.requireNonNull(explanation, "explanation");
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /**
   * The points as a decimal: exact when it terminates (21.25), else rounded half-up to {@value
   * #DISPLAY_SCALE} places.
   */
  public BigDecimal pointsDecimal() {
    return points.toDecimal(DISPLAY_SCALE);
  }
}
