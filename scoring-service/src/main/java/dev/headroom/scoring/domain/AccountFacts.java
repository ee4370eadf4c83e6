package dev.headroom.scoring.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the scorer reads about one account at one instant: signal-service's usage snapshot
 * plus the catalog. Metrics are taken as computed upstream (docs/signals.md "Metrics"); this record
 * only checks that they are in range, so that a bad mapping fails here rather than as a strange
 * score.
 *
 * @param asOf the instant the metrics describe (T)
 * @param seatsUsed current members, every role
 * @param seatsPurchased capacity: max(subscription seats, plan included seats) of the core
 *     subscription; 0 without one
 * @param engagementScore 0-100, computed by signal-service
 * @param currency the account currency (ISO 4217); every non-zero catalog price must be in it
 * @param corePlanKey the plan of the core subscription; empty without a core subscription
 * @param subscribedProductKeys the products the account has a subscription to
 * @param attemptedFeatureKeys30d core features with premium attempts in the last 30 days
 * @param signals the signals holding at {@code asOf} (active, suppressed or pending)
 */
public record AccountFacts(
    String accountId,
    Instant asOf,
    boolean activated,
    int seatsUsed,
    int seatsPurchased,
    int activeUsers7d,
    int activeDays28,
    int engagementScore,
    int premiumAttempts30d,
    int newUsers30d,
    int workflowsCompleted30d,
    String currency,
    PlanCatalog catalog,
    Optional<String> corePlanKey,
    Set<String> subscribedProductKeys,
    Set<String> attemptedFeatureKeys30d,
    List<HeldSignal> signals) {

  public AccountFacts {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(catalog, "catalog");
    corePlanKey = corePlanKey.filter(k -> !k.isEmpty());
    subscribedProductKeys = Set.copyOf(subscribedProductKeys);
    attemptedFeatureKeys30d = Set.copyOf(attemptedFeatureKeys30d);
    signals = List.copyOf(signals);
    requireNonNegative("seatsUsed", seatsUsed);
    requireNonNegative("seatsPurchased", seatsPurchased);
    requireNonNegative("activeUsers7d", activeUsers7d);
    requireNonNegative("premiumAttempts30d", premiumAttempts30d);
    requireNonNegative("newUsers30d", newUsers30d);
    requireNonNegative("workflowsCompleted30d", workflowsCompleted30d);
    if (activeDays28 < 0 || activeDays28 > 28) {
      throw new IllegalArgumentException("activeDays28 must be 0-28: " + activeDays28);
    }
    if (engagementScore < 0 || engagementScore > 100) {
      throw new IllegalArgumentException("engagementScore must be 0-100: " + engagementScore);
    }
    if (corePlanKey.isPresent()) {
      String key = corePlanKey.get();
      CatalogPlan plan =
          catalog
              .plan(key)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException("core plan " + key + " is not in the catalog"));
      if (!plan.productKey().equals(catalog.coreProductKey())) {
        throw new IllegalArgumentException(
            "core plan " + plan.planKey() + " belongs to " + plan.productKey());
      }
    }
    // Prices are added and compared without conversion: a non-zero price in another currency would
    // be nonsense.
    for (CatalogProduct product : catalog.products()) {
      for (CatalogPlan plan : product.plans()) {
        requireCurrency(plan, plan.seatPriceMonthly(), currency);
        requireCurrency(plan, plan.basePriceMonthly(), currency);
      }
    }
  }

  public Optional<CatalogPlan> corePlan() {
    return corePlanKey.flatMap(catalog::plan);
  }

  /** n in the pricing formulas: max(capacity, seats used). */
  public long billableSeats() {
    return Math.max(seatsPurchased, seatsUsed);
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }

  private static void requireCurrency(CatalogPlan plan, Money price, String currency) {
    if (!price.isZero() && !price.currency().equals(currency)) {
      throw new IllegalArgumentException(
          "plan "
              + plan.planKey()
              + " is priced in "
              + price.currency()
              + ", the account in "
              + currency);
    }
  }
}
