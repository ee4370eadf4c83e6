package dev.headroom.scoring.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The part of the host's catalog that prices expansions: products in catalog order and their plans.
 *
 * @param coreProductKey the product whose subscription defines plan, capacity and upgrade path
 *     (config, default "core")
 */
public record PlanCatalog(String coreProductKey, List<CatalogProduct> products) {
  public PlanCatalog {
    Objects.requireNonNull(coreProductKey, "coreProductKey");
    products =
        products.stream()
            .sorted(
                Comparator.comparingInt(CatalogProduct::catalogOrder)
                    .thenComparing(CatalogProduct::productKey))
            .toList();
    Set<String> productKeys = new HashSet<>();
    Set<String> planKeys = new HashSet<>();
    for (CatalogProduct product : products) {
      if (!productKeys.add(product.productKey())) {
        throw new IllegalArgumentException("duplicate product " + product.productKey());
      }
      for (CatalogPlan plan : product.plans()) {
        if (!planKeys.add(plan.planKey())) {
          throw new IllegalArgumentException("duplicate plan " + plan.planKey());
        }
      }
    }
  }

  public Optional<CatalogPlan> plan(String planKey) {
    return plansByKey().containsKey(planKey)
        ? Optional.of(plansByKey().get(planKey))
        : Optional.empty();
  }

  /**
   * The plans above {@code from} along the {@code next_plan} chain, nearest first. A next key the
   * catalog does not know ends the chain; a cycle (a catalog error) is cut where it would revisit a
   * plan.
   */
  public List<CatalogPlan> chainAbove(CatalogPlan from) {
    Map<String, CatalogPlan> byKey = plansByKey();
    List<CatalogPlan> chain = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    seen.add(from.planKey());
    CatalogPlan current = from;
    while (current.nextPlanKey().isPresent()) {
      CatalogPlan next = byKey.get(current.nextPlanKey().get());
      if (next == null || !seen.add(next.planKey())) {
        break;
      }
      chain.add(next);
      current = next;
    }
    return chain;
  }

  private Map<String, CatalogPlan> plansByKey() {
    // Catalogs are a handful of plans: a linear build per call keeps the record immutable and
    // simple.
    Map<String, CatalogPlan> byKey = new HashMap<>();
    for (CatalogProduct product : products) {
      for (CatalogPlan plan : product.plans()) {
        byKey.put(plan.planKey(), plan);
      }
    }
    return byKey;
  }
}
