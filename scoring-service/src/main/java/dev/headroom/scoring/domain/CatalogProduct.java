package dev.headroom.scoring.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A product of the suite with its plans.
 *
 * @param catalogOrder position in the catalog; breaks ties between equally valuable cross-sell
 *     products
 */
public record CatalogProduct(String productKey, int catalogOrder, List<CatalogPlan> plans) {
  public CatalogProduct {
    Objects.requireNonNull(productKey, "productKey");
    plans = List.copyOf(plans);
    for (CatalogPlan plan : plans) {
      if (!plan.productKey().equals(productKey)) {
        throw new IllegalArgumentException(
            "plan " + plan.planKey() + " belongs to " + plan.productKey() + ", not " + productKey);
      }
    }
  }

  /**
   * The plan a new customer of this product would buy: its lowest plan with tier rank > 0 (first
   * listed on ties).
   */
  public Optional<CatalogPlan> entryPlan() {
    return plans.stream()
        .filter(p -> p.tierRank() > 0)
        .min(Comparator.comparingInt(CatalogPlan::tierRank));
  }
}
