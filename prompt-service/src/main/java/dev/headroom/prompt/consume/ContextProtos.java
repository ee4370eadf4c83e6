package dev.headroom.prompt.consume;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.MeterUsage;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.prompt.context.AccountScore;
import dev.headroom.prompt.context.AccountUsage;
import dev.headroom.prompt.context.CatalogView;
import dev.headroom.prompt.context.FeatureInfo;
import dev.headroom.prompt.context.MeterLevel;
import dev.headroom.prompt.context.PlanInfo;
import dev.headroom.prompt.mapping.MoneyProtos;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Upstream messages → the decision's context. What is persisted is the upstream message trimmed to
 * what a prompt needs ({@link #trim(UsageSnapshot)}, {@link #trim(Score)}), so the stored context
 * stays small and a rebuild maps it again with the same code.
 */
public final class ContextProtos {
  private ContextProtos() {}

  /** The snapshot without signals and their evidence (the score carries what a prompt needs). */
  public static UsageSnapshot trim(UsageSnapshot s) {
    return s.toBuilder().clearSignals().build();
  }

  /** The score without category explanations and signals. */
  public static Score trim(Score s) {
    return s.toBuilder().clearCategories().clearSignals().build();
  }

  public static AccountUsage usage(UsageSnapshot s) {
    Map<String, String> planByProduct = new HashMap<>();
    for (Subscription sub : s.getAccount().getSubscriptionsList()) {
      planByProduct.put(sub.getProductKey().intern(), sub.getPlanKey().intern());
    }
    List<MeterLevel> meters = new ArrayList<>();
    for (MeterUsage m : s.getMetersList()) {
      if (m.getLimit() > 0) {
        meters.add(new MeterLevel(m.getMeterKey().intern(), decimal(m.getValue()), m.getLimit()));
      }
    }
    List<String> attempted = new ArrayList<>();
    s.getAttemptedFeatureKeys30DList().forEach(k -> attempted.add(k.intern()));
    return new AccountUsage(
        s.getAccountId(),
        s.getAccount().getActivated() && !s.getAccount().getProvisional(),
        s.getAccount().getLocale().intern(),
        s.getAccount().getCurrencyCode().intern(),
        Map.copyOf(planByProduct),
        s.getSeatsUsed(),
        s.getSeatsPurchased(),
        s.getUsersAddedQuarter(),
        Set.copyOf(attempted),
        List.copyOf(meters));
  }

  private static BigDecimal decimal(String value) {
    try {
      return value.isEmpty() ? BigDecimal.ZERO : new BigDecimal(value);
    } catch (NumberFormatException e) {
      return BigDecimal.ZERO;
    }
  }

  public static AccountScore score(Score s) {
    Optional<AccountScore.ExpansionType> primary = expansionType(s.getPrimaryType());
    Optional<String> target =
        s.getTypesList().stream()
            .filter(t -> t.getType() == s.getPrimaryType())
            .map(TypePotential::getTargetPlanKey)
            .filter(k -> !k.isEmpty())
            .map(String::intern)
            .findFirst();
    return new AccountScore(
        s.getScore(),
        switch (s.getBand()) {
          case READINESS_BAND_EMERGING -> AccountScore.ReadinessBand.EMERGING;
          case READINESS_BAND_READY -> AccountScore.ReadinessBand.READY;
          case READINESS_BAND_URGENT -> AccountScore.ReadinessBand.URGENT;
          default -> AccountScore.ReadinessBand.NOT_READY;
        },
        switch (s.getMotion()) {
          case RECOMMENDED_MOTION_SELF_SERVE -> AccountScore.Motion.SELF_SERVE;
          case RECOMMENDED_MOTION_INSIDE_SALES -> AccountScore.Motion.INSIDE_SALES;
          case RECOMMENDED_MOTION_FIELD_SALES -> AccountScore.Motion.FIELD_SALES;
          default -> AccountScore.Motion.NONE;
        },
        primary,
        target);
  }

  private static Optional<AccountScore.ExpansionType> expansionType(ExpansionType t) {
    return switch (t) {
      case EXPANSION_TYPE_SEAT_ADD -> Optional.of(AccountScore.ExpansionType.SEAT_ADD);
      case EXPANSION_TYPE_TIER_UPGRADE -> Optional.of(AccountScore.ExpansionType.TIER_UPGRADE);
      case EXPANSION_TYPE_USAGE_INCREASE -> Optional.of(AccountScore.ExpansionType.USAGE_INCREASE);
      case EXPANSION_TYPE_MULTI_PRODUCT -> Optional.of(AccountScore.ExpansionType.MULTI_PRODUCT);
      case EXPANSION_TYPE_ENTERPRISE -> Optional.of(AccountScore.ExpansionType.ENTERPRISE);
      default -> Optional.empty();
    };
  }

  public static CatalogView catalog(Catalog c, String coreProductKey) {
    List<PlanInfo> plans = new ArrayList<>();
    for (Plan p : c.getPlansList()) {
      plans.add(
          new PlanInfo(
              p.getPlanKey().intern(),
              p.getProductKey().intern(),
              p.getTierRank(),
              p.getDisplayName(),
              MoneyProtos.fromProto(p.getSeatPriceMonthly()),
              MoneyProtos.fromProto(p.getBasePriceMonthly()),
              p.getIncludedSeats(),
              Map.copyOf(p.getMeterLimitsMap()),
              Set.copyOf(p.getEntitledFeatureKeysList()),
              Optional.of(p.getNextPlanKey()).filter(k -> !k.isEmpty())));
    }
    List<FeatureInfo> features = new ArrayList<>();
    for (Feature f : c.getFeaturesList()) {
      features.add(
          new FeatureInfo(
              f.getFeatureKey(),
              f.getProductKey(),
              f.getDisplayName().isEmpty() ? f.getFeatureKey() : f.getDisplayName()));
    }
    List<String> products =
        c.getProductsList().stream()
            .sorted(Comparator.comparingInt(Product::getCatalogOrder))
            .map(Product::getProductKey)
            .toList();
    return new CatalogView(coreProductKey, plans, features, products);
  }
}
