package dev.headroom.scoring.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A small suite used across the tests (USD, minor units):
 *
 * <pre>
 * core (order 1):      core_free (tier 0, free)            → core_team
 *                      core_team (tier 1, 10.00/seat)      → core_business       entitles basic, reports
 *                      core_business (tier 2, 100.00 base incl. 5 seats, 25.00/seat) → core_enterprise   + sso, audit
 *                      core_enterprise (tier 3, 500.00 base incl. 10 seats, 50.00/seat)                  + sandbox
 * analytics (order 2): analytics_free (tier 0), analytics_pro (tier 1, 20.00 base, 5.00/seat)
 * automation (order 3): automation_starter (tier 1, 300.00 base)
 * </pre>
 */
final class Fixtures {
  static final Instant T = Instant.parse("2025-03-01T12:00:00Z");

  private Fixtures() {}

  static Money usd(long minor) {
    return new Money("USD", minor);
  }

  static CatalogPlan plan(
      String key,
      String product,
      int tier,
      long seatPrice,
      long basePrice,
      int included,
      Set<String> features,
      String next) {
    return new CatalogPlan(
        key,
        product,
        tier,
        usd(seatPrice),
        usd(basePrice),
        included,
        features,
        Optional.ofNullable(next));
  }

  static List<CatalogPlan> corePlans() {
    return List.of(
        plan("core_free", "core", 0, 0, 0, 0, Set.of("basic"), "core_team"),
        plan("core_team", "core", 1, 1_000, 0, 0, Set.of("basic", "reports"), "core_business"),
        plan(
            "core_business",
            "core",
            2,
            2_500,
            10_000,
            5,
            Set.of("basic", "reports", "sso", "audit"),
            "core_enterprise"),
        plan(
            "core_enterprise",
            "core",
            3,
            5_000,
            50_000,
            10,
            Set.of("basic", "reports", "sso", "audit", "sandbox"),
            null));
  }

  static PlanCatalog catalog() {
    return catalog(corePlans(), 30_000);
  }

  /** The suite with other core plans and another automation base price (for ties). */
  static PlanCatalog catalog(List<CatalogPlan> corePlans, long automationBase) {
    return new PlanCatalog(
        "core",
        List.of(
            new CatalogProduct(
                "automation",
                3,
                List.of(
                    plan(
                        "automation_starter",
                        "automation",
                        1,
                        0,
                        automationBase,
                        0,
                        Set.of("flows"),
                        null))),
            new CatalogProduct("core", 1, corePlans),
            new CatalogProduct(
                "analytics",
                2,
                List.of(
                    plan(
                        "analytics_free", "analytics", 0, 0, 0, 0, Set.of("dash"), "analytics_pro"),
                    plan(
                        "analytics_pro",
                        "analytics",
                        1,
                        500,
                        2_000,
                        0,
                        Set.of("dash", "cohorts"),
                        null)))));
  }

  static HeldSignal active(SignalType type) {
    return signal(type, SignalStatus.ACTIVE, T.minusSeconds(86_400));
  }

  static HeldSignal signal(SignalType type, SignalStatus status, Instant since) {
    return new HeldSignal(
        "sig-" + type + "-" + status,
        type,
        status,
        since,
        List.of(new Evidence("metric", "1", "1", type + " holds")));
  }

  static FactsBuilder facts() {
    return new FactsBuilder();
  }

  /** Defaults: an activated account on core_team, 10 of 20 seats used, nothing else going on. */
  static final class FactsBuilder {
    String accountId = "acc-1";
    boolean activated = true;
    int used = 10;
    int capacity = 20;
    int activeUsers7d = 5;
    int activeDays28 = 14;
    int engagement = 0;
    int attempts = 0;
    int newUsers = 0;
    int workflows = 0;
    PlanCatalog catalog = Fixtures.catalog();
    String corePlan = "core_team";
    Set<String> subscribed = Set.of("core");
    Set<String> attempted = Set.of();
    List<HeldSignal> signals = new ArrayList<>();

    FactsBuilder seats(int seatsUsed, int seatsPurchased) {
      used = seatsUsed;
      capacity = seatsPurchased;
      return this;
    }

    FactsBuilder engagement(int value) {
      engagement = value;
      return this;
    }

    FactsBuilder attempts(int value) {
      attempts = value;
      return this;
    }

    FactsBuilder newUsers(int value) {
      newUsers = value;
      return this;
    }

    FactsBuilder workflows(int value) {
      workflows = value;
      return this;
    }

    FactsBuilder activated(boolean value) {
      activated = value;
      return this;
    }

    FactsBuilder catalog(PlanCatalog value) {
      catalog = value;
      return this;
    }

    FactsBuilder corePlan(String value) {
      corePlan = value;
      return this;
    }

    FactsBuilder subscribed(String... products) {
      subscribed = Set.of(products);
      return this;
    }

    FactsBuilder attempted(String... features) {
      attempted = Set.of(features);
      return this;
    }

    FactsBuilder signal(HeldSignal signal) {
      signals.add(signal);
      return this;
    }

    FactsBuilder active(SignalType... types) {
      for (SignalType type : types) {
        signals.add(Fixtures.active(type));
      }
      return this;
    }

    AccountFacts build() {
      return new AccountFacts(
          accountId,
          T,
          activated,
          used,
          capacity,
          activeUsers7d,
          activeDays28,
          engagement,
          attempts,
          newUsers,
          workflows,
          "USD",
          catalog,
          Optional.ofNullable(corePlan),
          subscribed,
          attempted,
          signals);
    }
  }
}
