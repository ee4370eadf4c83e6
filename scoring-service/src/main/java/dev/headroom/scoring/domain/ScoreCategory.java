package dev.headroom.scoring.domain;

/** The five categories of the expansion readiness model, in their canonical order. */
public enum ScoreCategory {
  CAPACITY_UTILIZATION("capacity_utilization"),
  FEATURE_READINESS("feature_readiness"),
  ENGAGEMENT_INTENSITY("engagement_intensity"),
  GROWTH_TRAJECTORY("growth_trajectory"),
  VALUE_REALIZATION("value_realization");

  private final String key;

  ScoreCategory(String key) {
    this.key = key;
  }

  /** A stable snake_case name, e.g. for coefficient maps and explanations. */
  public String key() {
    return key;
  }
}
