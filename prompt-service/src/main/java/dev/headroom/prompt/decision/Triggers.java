package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.Trigger;
import dev.headroom.prompt.context.AccountContext;
import dev.headroom.prompt.context.AccountScore;
import dev.headroom.prompt.context.AccountScore.ReadinessBand;
import dev.headroom.prompt.context.AccountUsage;
import dev.headroom.prompt.context.CatalogView;
import dev.headroom.prompt.context.FeatureInfo;
import dev.headroom.prompt.context.MeterLevel;
import dev.headroom.prompt.context.PlanInfo;
import java.math.BigDecimal;
import java.util.Optional;

/** Whether a campaign's trigger holds for an account and feature, and what it then offers. */
public final class Triggers {
  private Triggers() {}

  public static Optional<ResolvedOffer> evaluate(
      Campaign campaign, AccountContext account, CatalogView catalog, String featureKey) {
    Trigger t = campaign.trigger();
    AccountUsage usage = account.usage();
    Optional<PlanInfo> core = catalog.plan(usage.planByProduct().get(catalog.coreProductKey()));
    Optional<ResolvedOffer> offer =
        switch (t.type()) {
          case FEATURE_GATE -> featureGate(t, usage, catalog, featureKey);
          case SEAT_LIMIT -> seatLimit(t, usage, core);
          case USAGE_LIMIT -> usageLimit(t, usage, catalog, core);
          case SCORE_BAND -> scoreBand(t, usage, account.score(), catalog, core);
          case CROSS_SELL -> crossSell(t, usage, catalog);
        };
    // A pre-selected plan replaces the trigger's choice; the trigger still has to hold.
    return offer.map(
        o ->
            campaign
                .offer()
                .targetPlanKey()
                .flatMap(catalog::plan)
                .map(p -> new ResolvedOffer(p, o.current(), o.prefilledSeats(), o.feature()))
                .orElse(o));
  }

  private static Optional<ResolvedOffer> featureGate(
      Trigger t, AccountUsage usage, CatalogView catalog, String featureKey) {
    if (featureKey.isEmpty()
        || (!t.featureKeys().isEmpty() && !t.featureKeys().contains(featureKey))) {
      return Optional.empty();
    }
    Optional<FeatureInfo> feature = catalog.feature(featureKey);
    if (feature.isEmpty()) {
      return Optional.empty();
    }
    Optional<PlanInfo> current =
        catalog.plan(usage.planByProduct().get(feature.get().productKey()));
    if (current.isPresent() && current.get().entitles(featureKey)) {
      return Optional.empty();
    }
    return catalog
        .lowestUpgradeEntitling(current, featureKey)
        .map(target -> new ResolvedOffer(target, current, usage.billableSeats(), feature));
  }

  private static Optional<ResolvedOffer> seatLimit(
      Trigger t, AccountUsage usage, Optional<PlanInfo> core) {
    BigDecimal threshold = t.threshold().orElse(BigDecimal.ONE);
    boolean holds =
        usage.seatsPurchased() > 0
            && BigDecimal.valueOf(usage.seatsUsed())
                    .compareTo(threshold.multiply(BigDecimal.valueOf(usage.seatsPurchased())))
                >= 0;
    return holds ? core.map(plan -> seatOffer(usage, plan)) : Optional.empty();
  }

  private static ResolvedOffer seatOffer(AccountUsage usage, PlanInfo plan) {
    return new ResolvedOffer(plan, Optional.of(plan), usage.recommendedSeats(), Optional.empty());
  }

  private static Optional<ResolvedOffer> usageLimit(
      Trigger t, AccountUsage usage, CatalogView catalog, Optional<PlanInfo> core) {
    BigDecimal threshold = t.threshold().orElse(BigDecimal.ONE);
    boolean holds = false;
    for (MeterLevel m : usage.meters()) {
      if (t.meterKey().map(m.meterKey()::equals).orElse(true) && m.atLeast(threshold)) {
        holds = true;
      }
    }
    if (!holds || core.isEmpty()) {
      return Optional.empty();
    }
    return catalog
        .next(core.get())
        .map(next -> new ResolvedOffer(next, core, usage.billableSeats(), Optional.empty()));
  }

  private static Optional<ResolvedOffer> scoreBand(
      Trigger t,
      AccountUsage usage,
      Optional<AccountScore> score,
      CatalogView catalog,
      Optional<PlanInfo> core) {
    ReadinessBand min = t.minBand().orElse(ReadinessBand.READY);
    if (score.isEmpty()
        || score.get().band().compareTo(min) < 0
        || score.get().primaryType().isEmpty()) {
      return Optional.empty();
    }
    if (score.get().primaryType().get() == AccountScore.ExpansionType.SEAT_ADD) {
      return core.map(plan -> seatOffer(usage, plan));
    }
    Optional<PlanInfo> target = score.get().primaryTargetPlanKey().flatMap(catalog::plan);
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Optional<PlanInfo> current = catalog.plan(usage.planByProduct().get(target.get().productKey()));
    return Optional.of(
        new ResolvedOffer(target.get(), current, usage.billableSeats(), Optional.empty()));
  }

  private static Optional<ResolvedOffer> crossSell(
      Trigger t, AccountUsage usage, CatalogView catalog) {
    Optional<String> product =
        t.productKey().isPresent()
            ? t.productKey().filter(p -> !usage.planByProduct().containsKey(p))
            : catalog.productsNotOwned(usage.planByProduct().keySet()).stream()
                .filter(p -> catalog.entryPlan(p).isPresent())
                .findFirst();
    return product
        .flatMap(catalog::entryPlan)
        .map(
            entry ->
                new ResolvedOffer(
                    entry, Optional.empty(), usage.billableSeats(), Optional.empty()));
  }
}
