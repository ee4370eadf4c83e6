package dev.headroom.scoring.domain;

import java.util.Optional;

/** The built-in signals and the expansion type each one points to. */
public enum SignalType {
  SEAT_UTILIZATION_HIGH(ExpansionType.SEAT_ADD),
  PREMIUM_FEATURE_DEMAND(ExpansionType.TIER_UPGRADE),
  USAGE_LIMIT_APPROACHING(ExpansionType.USAGE_INCREASE),
  ENTERPRISE_READINESS(ExpansionType.ENTERPRISE),
  CROSS_PRODUCT_FIT(ExpansionType.MULTI_PRODUCT),
  TEAM_GROWTH(ExpansionType.SEAT_ADD),
  ADVANCED_FEATURE_ADOPTION(ExpansionType.TIER_UPGRADE),
  WORKFLOW_BOTTLENECK(ExpansionType.MULTI_PRODUCT),
  POWER_USER_EMERGENCE(ExpansionType.TIER_UPGRADE),
  API_CONSUMPTION_GROWTH(ExpansionType.USAGE_INCREASE),
  ORGANIZATIONAL_GROWTH(ExpansionType.ENTERPRISE),
  /**
   * Composite: two base signals became active within 7 days. The immediate-review flag, no type.
   */
  MULTI_SIGNAL(null);

  private final ExpansionType expansionType;

  SignalType(ExpansionType expansionType) {
    this.expansionType = expansionType;
  }

  /** Empty for {@link #MULTI_SIGNAL}. */
  public Optional<ExpansionType> expansionType() {
    return Optional.ofNullable(expansionType);
  }
}
