package dev.headroom.scoring.domain.measures;

import dev.headroom.scoring.domain.Money;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An account's ARR and subscriptions from {@code effectiveAt} until its next point.
 *
 * @param sequence orders two points of one account at the same instant (the upstream cursor)
 * @param planByProduct the plan of each product the account has a subscription to
 */
public record RevenuePoint(
    String accountId,
    long sequence,
    Instant effectiveAt,
    Money arr,
    Map<String, String> planByProduct) {
  public RevenuePoint {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(effectiveAt, "effectiveAt");
    Objects.requireNonNull(arr, "arr");
    planByProduct = Map.copyOf(planByProduct);
    if (arr.minorUnits() < 0) {
      throw new IllegalArgumentException("ARR must not be negative: " + arr);
    }
  }

  public Optional<String> planOf(String productKey) {
    return Optional.ofNullable(planByProduct.get(productKey));
  }

  /** True when this point has a subscription to a product {@code earlier} had none of. */
  public boolean addsProductTo(RevenuePoint earlier) {
    return !earlier.planByProduct.keySet().containsAll(planByProduct.keySet());
  }
}
