package dev.headroom.scoring.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * The value of one expansion type for an account.
 *
 * @param arrPotential annual recurring revenue this expansion would add; zero is still listed
 * @param motion who should act on this type alone
 * @param targetPlanKey the plan the value was computed for (tier upgrade, usage, enterprise,
 *     multi-product); empty for seat adds and when there is nothing to move to
 */
public record TypePotential(
    ExpansionType type,
    Money arrPotential,
    RecommendedMotion motion,
    Optional<String> targetPlanKey) {
  public TypePotential {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(arrPotential, "arrPotential");
    Objects.requireNonNull(motion, "motion");
    Objects.requireNonNull(targetPlanKey, "targetPlanKey");
  }
}
