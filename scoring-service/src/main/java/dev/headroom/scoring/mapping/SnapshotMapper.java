package dev.headroom.scoring.mapping;

import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.domain.CatalogPlan;
import dev.headroom.scoring.domain.CatalogProduct;
import dev.headroom.scoring.domain.HeldSignal;
import dev.headroom.scoring.domain.PlanCatalog;
import dev.headroom.scoring.service.Unscorable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** signal-service's snapshot and catalog (proto) → the scorer's {@link AccountFacts}. */
public final class SnapshotMapper {
  private SnapshotMapper() {}

  public static PlanCatalog catalog(Catalog c, String coreProductKey) {
    Map<String, List<CatalogPlan>> plans = new LinkedHashMap<>();
    for (Plan p : c.getPlansList()) {
      plans
          .computeIfAbsent(p.getProductKey(), k -> new ArrayList<>())
          .add(
              new CatalogPlan(
                  p.getPlanKey(),
                  p.getProductKey(),
                  p.getTierRank(),
                  ScoreProtos.money(p.getSeatPriceMonthly()),
                  ScoreProtos.money(p.getBasePriceMonthly()),
                  p.getIncludedSeats(),
                  Set.copyOf(p.getEntitledFeatureKeysList()),
                  Optional.of(p.getNextPlanKey()).filter(k -> !k.isEmpty())));
    }
    List<CatalogProduct> products = new ArrayList<>();
    for (Product p : c.getProductsList()) {
      products.add(
          new CatalogProduct(
              p.getProductKey(),
              p.getCatalogOrder(),
              plans.getOrDefault(p.getProductKey(), List.of())));
    }
    return new PlanCatalog(coreProductKey, products);
  }

  /**
   * The signals the snapshot says hold at as_of, in signal-service's form (what a Score carries).
   */
  public static List<Signal> heldSignals(UsageSnapshot s) {
    List<Signal> out = new ArrayList<>();
    for (Signal sig : s.getSignalsList()) {
      if (ScoreProtos.held(sig).isPresent()) {
        out.add(sig);
      }
    }
    return out;
  }

  public static AccountFacts facts(UsageSnapshot s, PlanCatalog catalog) throws Unscorable {
    if (s.getAccount().getProvisional()) {
      throw new Unscorable(
          "account " + s.getAccountId() + " is provisional (events before the account)");
    }
    String currency = s.getAccount().getCurrencyCode();
    if (currency.isEmpty()) {
      throw new Unscorable("account " + s.getAccountId() + " has no currency");
    }
    String corePlan = null;
    Set<String> products = new HashSet<>();
    for (Subscription sub : s.getAccount().getSubscriptionsList()) {
      products.add(sub.getProductKey());
      if (sub.getProductKey().equals(catalog.coreProductKey())) {
        corePlan = sub.getPlanKey();
      }
    }
    List<HeldSignal> signals = new ArrayList<>();
    for (Signal sig : s.getSignalsList()) {
      ScoreProtos.held(sig).ifPresent(signals::add);
    }
    try {
      return new AccountFacts(
          s.getAccountId(),
          ScoreProtos.instant(s.getAsOf()),
          s.getAccount().getActivated(),
          s.getSeatsUsed(),
          s.getSeatsPurchased(),
          s.getActiveUsers7D(),
          s.getActiveDays28(),
          s.getEngagementScore(),
          s.getPremiumAttempts30D(),
          s.getNewUsers30D(),
          s.getWorkflowsCompleted30D(),
          currency,
          catalog,
          Optional.ofNullable(corePlan),
          products,
          Set.copyOf(s.getAttemptedFeatureKeys30DList()),
          signals);
    } catch (IllegalArgumentException e) {
      throw new Unscorable("account " + s.getAccountId() + ": " + e.getMessage());
    }
  }
}
