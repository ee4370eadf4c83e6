package dev.headroom.signal.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A consistent snapshot of products, plans, features and meters. Immutable; replaced on every
 * change.
 */
public record Catalog(
    List<Product> products, List<Plan> plans, List<Feature> features, List<Meter> meters) {

  public record Product(String productKey, String displayName, int catalogOrder) {}

  public enum Aggregation {
    SUM,
    LAST
  }

  public record Meter(String meterKey, String unit, Aggregation aggregation, String displayName) {}

  public record Feature(
      String featureKey, String productKey, String displayName, boolean advanced) {}

  /**
   * @param meterLimits monthly limit per meter key; absent or 0 means unlimited
   * @param nextPlanKey the next plan up the upgrade path; null for the top plan
   */
  public record Plan(
      String planKey,
      String productKey,
      int tierRank,
      String displayName,
      Money seatPriceMonthly,
      Money basePriceMonthly,
      int includedSeats,
      Map<String, Long> meterLimits,
      Set<String> entitledFeatureKeys,
      String nextPlanKey) {}

  public static final Catalog EMPTY = new Catalog(List.of(), List.of(), List.of(), List.of());

  public Catalog {
    products = List.copyOf(products);
    plans = List.copyOf(plans);
    features = List.copyOf(features);
    meters = List.copyOf(meters);
  }

  public Optional<Plan> plan(String planKey) {
    return plans.stream().filter(p -> p.planKey().equals(planKey)).findFirst();
  }

  public Optional<Feature> feature(String featureKey) {
    return features.stream().filter(f -> f.featureKey().equals(featureKey)).findFirst();
  }

  public Optional<Meter> meter(String meterKey) {
    return meters.stream().filter(m -> m.meterKey().equals(meterKey)).findFirst();
  }

  public Map<String, Feature> featuresByKey() {
    return features.stream()
        .collect(Collectors.toUnmodifiableMap(Feature::featureKey, Function.identity()));
  }
}
