package dev.headroom.signal.domain;

/**
 * The built-in signals, with the expansion type each points to and whether it must be sustained.
 */
public enum SignalType {
  SEAT_UTILIZATION_HIGH(ExpansionType.SEAT_ADD, true),
  PREMIUM_FEATURE_DEMAND(ExpansionType.TIER_UPGRADE, false),
  USAGE_LIMIT_APPROACHING(ExpansionType.USAGE_INCREASE, true),
  ENTERPRISE_READINESS(ExpansionType.ENTERPRISE, false),
  CROSS_PRODUCT_FIT(ExpansionType.MULTI_PRODUCT, false),
  TEAM_GROWTH(ExpansionType.SEAT_ADD, false),
  ADVANCED_FEATURE_ADOPTION(ExpansionType.TIER_UPGRADE, false),
  WORKFLOW_BOTTLENECK(ExpansionType.MULTI_PRODUCT, false),
  POWER_USER_EMERGENCE(ExpansionType.TIER_UPGRADE, false),
  API_CONSUMPTION_GROWTH(ExpansionType.USAGE_INCREASE, false),
  ORGANIZATIONAL_GROWTH(ExpansionType.ENTERPRISE, false),
  /** Composite review flag: no expansion type. */
  MULTI_SIGNAL(null, false);

  private final ExpansionType expansionType;
  private final boolean sustained;

  SignalType(ExpansionType expansionType, boolean sustained) {
    this.expansionType = expansionType;
    this.sustained = sustained;
  }

  /** Null for MULTI_SIGNAL. */
  public ExpansionType expansionType() {
    return expansionType;
  }

  /** Sustained signals are PENDING until their condition has held for the sustain window. */
  public boolean sustained() {
    return sustained;
  }

  public boolean isComposite() {
    return this == MULTI_SIGNAL;
  }
}
