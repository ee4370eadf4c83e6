package dev.headroom.prompt.stats;

import java.util.Map;
import java.util.Objects;

/**
 * One arm's design and data.
 *
 * @param armKey the variant key (unique in the experiment)
 * @param role control, treatment or holdout
 * @param intendedWeight the share of traffic the design gives this arm, in any positive unit (basis
 *     points, fractions): only the ratios matter
 * @param totals the arm's aggregates over all surfaces
 * @param bySurface the same aggregates per surface (may be empty); a surface missing for an arm
 *     counts as {@link Aggregates#NONE} there
 */
public record ArmData(
    String armKey,
    ArmRole role,
    double intendedWeight,
    Aggregates totals,
    Map<String, Aggregates> bySurface) {

  public ArmData {
    Objects.requireNonNull(armKey, "armKey");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(totals, "totals");
    bySurface = Map.copyOf(bySurface);
  }

  /** An arm without a per-surface breakdown. */
  public ArmData(String armKey, ArmRole role, double intendedWeight, Aggregates totals) {
    this(armKey, role, intendedWeight, totals, Map.of());
  }
}
