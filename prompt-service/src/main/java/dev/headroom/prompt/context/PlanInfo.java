package dev.headroom.prompt.context;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One plan of the catalog, as a prompt shows and prices it. */
public record PlanInfo(
    String planKey,
    String productKey,
    int tierRank,
    String displayName,
    Money seatPriceMonthly,
    Money basePriceMonthly,
    int includedSeats,
    Map<String, Long> meterLimits,
    Set<String> entitledFeatureKeys,
    Optional<String> nextPlanKey) {

  /**
   * Monthly price for {@code seats} billable seats: base + seat price × seats above the included.
   */
  public Money monthlyPrice(int seats) {
    return basePriceMonthly.plus(seatPriceMonthly.times(Math.max(0, seats - (long) includedSeats)));
  }

  public boolean entitles(String featureKey) {
    return entitledFeatureKeys.contains(featureKey);
  }
}
