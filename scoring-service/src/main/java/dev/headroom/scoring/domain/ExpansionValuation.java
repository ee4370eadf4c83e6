package dev.headroom.scoring.domain;

import java.util.List;
import java.util.Optional;

/**
 * ARR potential per expansion type (docs/scoring.md "Prices and ARR potential"). All arithmetic is
 * on integer minor units; monthly prices are multiplied by 12 and negative deltas become 0.
 */
public final class ExpansionValuation {
  private ExpansionValuation() {}

  /** The value of one type and the plan it was computed for. */
  public record Valuation(long arrMinor, Optional<String> targetPlanKey) {
    static Valuation none() {
      return new Valuation(0, Optional.empty());
    }
  }

  /**
   * Extra seats to recommend: max(1, ⌈10 × used / 7⌉ − capacity), in integers. Binary floats get
   * this wrong (21 / 0.7 = 30.000000000000004 → 31), so the ceiling is taken on integers.
   */
  public static int recommendedSeats(int seatsUsed, int capacity) {
    long tenUsed = 10L * seatsUsed;
    long ceil = (tenUsed + 6) / 7;
    return (int) Math.max(1, ceil - capacity);
  }

  public static Valuation value(ExpansionType type, AccountFacts facts, int recommendedSeats) {
    return switch (type) {
      case SEAT_ADD -> seatAdd(facts, recommendedSeats);
      case TIER_UPGRADE -> tierUpgrade(facts);
      case USAGE_INCREASE -> usageIncrease(facts);
      case MULTI_PRODUCT -> multiProduct(facts);
      case ENTERPRISE -> enterprise(facts);
    };
  }

  /**
   * Recommended seats × the current plan's seat price × 12; 0 on a free plan or without a core
   * subscription.
   */
  static Valuation seatAdd(AccountFacts facts, int recommendedSeats) {
    Optional<CatalogPlan> current = facts.corePlan();
    if (current.isEmpty() || current.get().isFree()) {
      return Valuation.none();
    }
    long monthly =
        Math.multiplyExact(current.get().seatPriceMonthly().minorUnits(), (long) recommendedSeats);
    return new Valuation(annual(monthly), Optional.empty());
  }

  /**
   * Target = the first plan up the chain that entitles a core feature with premium attempts in 30
   * days, else the next plan.
   */
  static Valuation tierUpgrade(AccountFacts facts) {
    Optional<CatalogPlan> current = facts.corePlan();
    if (current.isEmpty()) {
      return Valuation.none();
    }
    List<CatalogPlan> chain = facts.catalog().chainAbove(current.get());
    if (chain.isEmpty()) {
      return Valuation.none();
    }
    CatalogPlan target =
        chain.stream()
            .filter(
                p ->
                    p.entitledFeatureKeys().stream()
                        .anyMatch(facts.attemptedFeatureKeys30d()::contains))
            .findFirst()
            .orElse(chain.get(0));
    return delta(facts, current.get(), target);
  }

  /** The next plan's delta: its limits are what more usage needs. */
  static Valuation usageIncrease(AccountFacts facts) {
    Optional<CatalogPlan> current = facts.corePlan();
    if (current.isEmpty()) {
      return Valuation.none();
    }
    List<CatalogPlan> chain = facts.catalog().chainAbove(current.get());
    return chain.isEmpty() ? Valuation.none() : delta(facts, current.get(), chain.get(0));
  }

  /** The delta to the last plan of the chain; 0 when already on it. */
  static Valuation enterprise(AccountFacts facts) {
    Optional<CatalogPlan> current = facts.corePlan();
    if (current.isEmpty()) {
      return Valuation.none();
    }
    List<CatalogPlan> chain = facts.catalog().chainAbove(current.get());
    return chain.isEmpty()
        ? Valuation.none()
        : delta(facts, current.get(), chain.get(chain.size() - 1));
  }

  /**
   * The most valuable product the account has no subscription to, priced at its entry plan for the
   * account's billable seats; ties go to the earlier product in catalog order. Products without a
   * paid plan are skipped.
   */
  static Valuation multiProduct(AccountFacts facts) {
    Valuation best = Valuation.none();
    for (CatalogProduct product : facts.catalog().products()) {
      if (facts.subscribedProductKeys().contains(product.productKey())) {
        continue;
      }
      Optional<CatalogPlan> entry = product.entryPlan();
      if (entry.isEmpty()) {
        continue;
      }
      long arr = annual(entry.get().monthlyPriceMinor(facts.billableSeats()));
      // Strictly greater: on a tie the product earlier in catalog order (seen first) keeps it.
      if (best.targetPlanKey().isEmpty() || arr > best.arrMinor()) {
        best = new Valuation(arr, Optional.of(entry.get().planKey()));
      }
    }
    return best;
  }

  private static Valuation delta(AccountFacts facts, CatalogPlan current, CatalogPlan target) {
    long n = facts.billableSeats();
    long monthly = Math.subtractExact(target.monthlyPriceMinor(n), current.monthlyPriceMinor(n));
    return new Valuation(annual(Math.max(0, monthly)), Optional.of(target.planKey()));
  }

  private static long annual(long monthlyMinor) {
    return Math.multiplyExact(monthlyMinor, 12L);
  }
}
