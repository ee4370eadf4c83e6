package dev.headroom.scoring.domain.learning;

import dev.headroom.scoring.domain.ScoreCategory;
import dev.headroom.scoring.domain.ScoreResult;

/**
 * The five category fractions (0-1 each) of one score: the features the model fit learns from. They
 * are the fractions the scorer computed, independent of the weights of the model that scored (see
 * ScoringModel).
 */
public record CategoryFeatures(
    double capacityUtilization,
    double featureReadiness,
    double engagementIntensity,
    double growthTrajectory,
    double valueRealization) {
  public CategoryFeatures {
    for (double f :
        new double[] {
          capacityUtilization,
          featureReadiness,
          engagementIntensity,
          growthTrajectory,
          valueRealization
        }) {
      if (!(f >= 0 && f <= 1)) {
        throw new IllegalArgumentException("category features are fractions in [0, 1], got " + f);
      }
    }
  }

  public static CategoryFeatures of(ScoreResult score) {
    return new CategoryFeatures(
        score.category(ScoreCategory.CAPACITY_UTILIZATION).fraction().doubleValue(),
        score.category(ScoreCategory.FEATURE_READINESS).fraction().doubleValue(),
        score.category(ScoreCategory.ENGAGEMENT_INTENSITY).fraction().doubleValue(),
        score.category(ScoreCategory.GROWTH_TRAJECTORY).fraction().doubleValue(),
        score.category(ScoreCategory.VALUE_REALIZATION).fraction().doubleValue());
  }

  public double get(ScoreCategory category) {
    return switch (category) {
      case CAPACITY_UTILIZATION -> capacityUtilization;
      case FEATURE_READINESS -> featureReadiness;
      case ENGAGEMENT_INTENSITY -> engagementIntensity;
      case GROWTH_TRAJECTORY -> growthTrajectory;
      case VALUE_REALIZATION -> valueRealization;
    };
  }

  /** The fractions in canonical category order. */
  public double[] toArray() {
    ScoreCategory[] categories = ScoreCategory.values();
    double[] out = new double[categories.length];
    for (int i = 0; i < categories.length; i++) {
      out[i] = get(categories[i]);
    }
    return out;
  }
}
