package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Catalog.Product;
import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * CROSS_PRODUCT_FIT: a core subscription exists, another catalog product has none, and the
 * (account-wide) engagement score is strictly above min_engagement.
 */
final class CrossProductFitCondition extends Condition {

  CrossProductFitCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    FactIndex.Segment s = x.segment(t);
    if (s.core() == null || unowned(x, s.ownedProducts()).isEmpty()) {
      return false;
    }
    return dec(x.engagement(t)).compareTo(threshold("min_engagement")) > 0;
  }

  static List<String> unowned(FactIndex x, Set<String> owned) {
    return x.catalog.products().stream()
        .sorted(Comparator.comparingInt(Product::catalogOrder).thenComparing(Product::productKey))
        .map(Product::productKey)
        .filter(p -> !p.equals(x.settings.coreProductKey()) && !owned.contains(p))
        .toList();
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    // Engagement moves with the 7-day active users, seats used, and the 28 active dates
    // (midnights).
    p.addAll(x.subscriptionChanges())
        .addAll(x.activeUsersChanges(Duration.ofDays(7)))
        .addAll(x.membershipTimes())
        .addAll(x.accountDayFirsts())
        .addMidnights();
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int engagement = x.engagement(t);
    List<String> products = unowned(x, x.segment(t).ownedProducts());
    return List.of(
        evidence(
            "engagement_score",
            dec(engagement),
            threshold("min_engagement"),
            "core engagement score "
                + engagement
                + " (must exceed "
                + plain(threshold("min_engagement"))
                + "); not subscribed: "
                + String.join(", ", products)));
  }
}
