package dev.headroom.signal.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A customer account with its subscription history.
 *
 * @param signupTime null when unknown (then TEAM_GROWTH has no baseline)
 * @param subscriptionHistory every subscription ever given, any order; the effective one per
 *     product at t is the one with the latest {@code since <= t}
 */
public record Account(
    String accountId,
    String name,
    String currency,
    String locale,
    String region,
    String crmOwner,
    Instant signupTime,
    List<Subscription> subscriptionHistory) {

  public record Subscription(String productKey, String planKey, int seatsPurchased, Instant since) {
    /**
     * Later wins; two entries with the same since are ordered by plan key and seats so the answer
     * never depends on the order the history was stored in.
     */
    static final Comparator<Subscription> PRECEDENCE =
        Comparator.comparing(Subscription::since)
            .thenComparing(Subscription::planKey)
            .thenComparingInt(Subscription::seatsPurchased);
  }

  public Account {
    subscriptionHistory = List.copyOf(subscriptionHistory);
  }

  /** The subscription of {@code productKey} in effect at {@code t}, if any. */
  public Optional<Subscription> effectiveSubscription(String productKey, Instant t) {
    return subscriptionHistory.stream()
        .filter(s -> s.productKey().equals(productKey) && !s.since().isAfter(t))
        .max(Subscription.PRECEDENCE);
  }

  /** Every product's subscription in effect at {@code t}. */
  public List<Subscription> effectiveSubscriptions(Instant t) {
    return subscriptionHistory.stream()
        .map(Subscription::productKey)
        .distinct()
        .flatMap(p -> effectiveSubscription(p, t).stream())
        .toList();
  }
}
