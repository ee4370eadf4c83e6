package dev.headroom.prompt.context;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The host's catalog as the decision needs it: plans by key, features by key, products in catalog
 * order, and the upgrade path.
 */
public final class CatalogView {
  private final String coreProductKey;
  private final Map<String, PlanInfo> plans;
  private final Map<String, FeatureInfo> features;
  private final List<String> productKeys;
  private final Map<String, List<String>> sortedFeatureKeys;
  private final Map<String, PlanInfo> entryPlans;
  private final Map<String, PlanInfo> lowestEntitling;

  /**
   * @param productKeys the products in catalog order (the cross-sell tie break)
   */
  public CatalogView(
      String coreProductKey,
      List<PlanInfo> plans,
      List<FeatureInfo> features,
      List<String> productKeys) {
    this.coreProductKey = coreProductKey;
    Map<String, PlanInfo> p = new LinkedHashMap<>();
    plans.forEach(plan -> p.put(plan.planKey(), plan));
    this.plans = Map.copyOf(p);
    Map<String, FeatureInfo> f = new LinkedHashMap<>();
    features.forEach(feature -> f.put(feature.featureKey(), feature));
    this.features = Map.copyOf(f);
    this.productKeys = List.copyOf(productKeys);
    Map<String, List<String>> sorted = new HashMap<>();
    plans.forEach(
        plan -> sorted.put(plan.planKey(), plan.entitledFeatureKeys().stream().sorted().toList()));
    this.sortedFeatureKeys = Map.copyOf(sorted);
    Map<String, PlanInfo> entries = new HashMap<>();
    for (PlanInfo plan : this.plans.values()) {
      if (!entries.containsKey(plan.productKey())) {
        findEntryPlan(plan.productKey()).ifPresent(e -> entries.put(e.productKey(), e));
      }
    }
    this.entryPlans = Map.copyOf(entries);
    Map<String, PlanInfo> lowest = new HashMap<>();
    for (FeatureInfo feature : this.features.values()) {
      findLowestEntitling(feature).ifPresent(plan -> lowest.put(feature.featureKey(), plan));
    }
    this.lowestEntitling = Map.copyOf(lowest);
  }

  public static CatalogView empty(String coreProductKey) {
    return new CatalogView(coreProductKey, List.of(), List.of(), List.of());
  }

  public String coreProductKey() {
    return coreProductKey;
  }

  public Optional<PlanInfo> plan(String planKey) {
    return planKey == null ? Optional.empty() : Optional.ofNullable(plans.get(planKey));
  }

  /**
   * A plan's entitled features in sorted order, as a tier comparison lists them: sorted once per
   * catalog for its own plans.
   */
  public List<String> sortedFeatureKeys(PlanInfo plan) {
    // Equal records when the plan is this catalog's: the same instance, compared in no time.
    return Objects.equals(plans.get(plan.planKey()), plan)
        ? sortedFeatureKeys.get(plan.planKey())
        : plan.entitledFeatureKeys().stream().sorted().toList();
  }

  public Optional<FeatureInfo> feature(String featureKey) {
    return Optional.ofNullable(features.get(featureKey));
  }

  public List<String> productKeys() {
    return productKeys;
  }

  public Optional<PlanInfo> next(PlanInfo plan) {
    return plan.nextPlanKey().flatMap(this::plan);
  }

  /**
   * The first plan up the upgrade path from {@code current} (exclusive) that entitles the feature;
   * without a current plan of the feature's product, its lowest-tier plan that entitles it.
   */
  public Optional<PlanInfo> lowestUpgradeEntitling(Optional<PlanInfo> current, String featureKey) {
    if (current.isEmpty()) {
      return Optional.ofNullable(lowestEntitling.get(featureKey));
    }
    // An upgrade path that loops back on itself has no plan left to find after as many steps as
    // there are plans: counting them guards against the loop without a set per call.
    Optional<PlanInfo> step = next(current.get());
    for (int steps = 0; step.isPresent() && steps < plans.size(); steps++) {
      if (step.get().entitles(featureKey)) {
        return step;
      }
      step = next(step.get());
    }
    return Optional.empty();
  }

  private Optional<PlanInfo> findLowestEntitling(FeatureInfo f) {
    return plans.values().stream()
        .filter(p -> p.productKey().equals(f.productKey()) && p.entitles(f.featureKey()))
        .min(Comparator.comparingInt(PlanInfo::tierRank));
  }

  /** A product's entry plan: its lowest plan with a tier rank above 0 (free). */
  public Optional<PlanInfo> entryPlan(String productKey) {
    return Optional.ofNullable(entryPlans.get(productKey));
  }

  private Optional<PlanInfo> findEntryPlan(String productKey) {
    return plans.values().stream()
        .filter(p -> p.productKey().equals(productKey) && p.tierRank() > 0)
        .min(Comparator.comparingInt(PlanInfo::tierRank));
  }

  /** The products without a subscription, in catalog order. */
  public List<String> productsNotOwned(Set<String> owned) {
    List<String> out = new ArrayList<>();
    for (String p : productKeys) {
      if (!owned.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }
}
