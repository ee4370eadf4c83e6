package dev.headroom.scoring.domain;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A plan of one product, as far as pricing and the upgrade path go.
 *
 * @param tierRank 0 = free; higher is further up the upgrade path
 * @param seatPriceMonthly price per billable seat above the included seats, per month
 * @param basePriceMonthly base price per month
 * @param includedSeats seats covered by the base price
 * @param entitledFeatureKeys features this plan entitles
 * @param nextPlanKey the next plan up the path; empty for the top plan
 */
public record CatalogPlan(
    String planKey,
    String productKey,
    int tierRank,
    Money seatPriceMonthly,
    Money basePriceMonthly,
    int includedSeats,
    Set<String> entitledFeatureKeys,
    Optional<String> nextPlanKey) {

  public CatalogPlan {
    Objects.requireNonNull(planKey, "planKey");
    Objects.requireNonNull(productKey, "productKey");
    Objects.requireNonNull(seatPriceMonthly, "seatPriceMonthly");
    Objects.requireNonNull(basePriceMonthly, "basePriceMonthly");
    entitledFeatureKeys = Set.copyOf(entitledFeatureKeys);
    nextPlanKey = nextPlanKey.filter(k -> !k.isEmpty());
    if (tierRank < 0 || includedSeats < 0) {
      throw new IllegalArgumentException(
          "plan " + planKey + ": negative tier rank or included seats");
    }
    if (seatPriceMonthly.minorUnits() < 0 || basePriceMonthly.minorUnits() < 0) {
      throw new IllegalArgumentException("plan " + planKey + ": negative price");
    }
  }

  public boolean isFree() {
    return tierRank == 0;
  }

  /**
   * Monthly price for {@code billableSeats} seats in minor units: base + seat price × max(0, n −
   * included seats).
   */
  public long monthlyPriceMinor(long billableSeats) {
    long extraSeats = Math.max(0, billableSeats - includedSeats);
    return Math.addExact(
        basePriceMonthly.minorUnits(),
        Math.multiplyExact(seatPriceMonthly.minorUnits(), extraSeats));
  }
}
