package dev.headroom.scoring.domain;

/**
 * Who should act on an opportunity. Declaration order is seniority: a later constant outranks an
 * earlier one.
 */
public enum RecommendedMotion {
  /** No active expansion type: nothing to route. */
  NONE(""),
  SELF_SERVE("Product+CS"),
  INSIDE_SALES("Inside sales"),
  FIELD_SALES("Account executive");

  private final String owner;

  RecommendedMotion(String owner) {
    this.owner = owner;
  }

  /** The owner shown to sales and CS; empty for {@link #NONE}. */
  public String owner() {
    return owner;
  }

  public RecommendedMotion moreSenior(RecommendedMotion other) {
    return other.compareTo(this) > 0 ? other : this;
  }
}
