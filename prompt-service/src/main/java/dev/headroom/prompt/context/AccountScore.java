package dev.headroom.prompt.context;

import java.util.Optional;

/**
 * What scoring-service says about an account.
 *
 * @param primaryTargetPlanKey the plan the primary type's value was computed for, when it has one
 */
public record AccountScore(
    int score,
    ReadinessBand band,
    Motion motion,
    Optional<ExpansionType> primaryType,
    Optional<String> primaryTargetPlanKey) {

  /** Readiness bands, lowest first. */
  public enum ReadinessBand {
    NOT_READY,
    EMERGING,
    READY,
    URGENT
  }

  /** Who owns the account's expansion. */
  public enum Motion {
    NONE,
    SELF_SERVE,
    INSIDE_SALES,
    FIELD_SALES
  }

  /** Expansion types in their canonical order. */
  public enum ExpansionType {
    SEAT_ADD,
    TIER_UPGRADE,
    USAGE_INCREASE,
    MULTI_PRODUCT,
    ENTERPRISE
  }
}
