package dev.headroom.signal.engine;

import dev.headroom.signal.domain.AccountMetrics;
import dev.headroom.signal.domain.AccountMetrics.MeterValue;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.Catalog.Plan;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The usage snapshot at T that scoring and prompts read. Windows here are fixed by the metric names
 * (7d, 28 dates, 14d, 30d, 90d); the configurable ones belong to signal rules.
 */
final class MetricsCalculator {

  private static final Duration D7 = Duration.ofDays(7);
  private static final Duration D14 = Duration.ofDays(14);
  private static final Duration D30 = Duration.ofDays(30);
  private static final Duration D90 = Duration.ofDays(90);

  private MetricsCalculator() {}

  static AccountMetrics at(FactIndex x, Instant t) {
    Instant activatedAt = x.activatedAt(t) ? x.activatedAt() : null;
    return new AccountMetrics(
        x.seatsUsed(t),
        x.capacity(t),
        x.activeUsers(t, D7),
        x.activeUsers(t, D30),
        x.activeDates(t, 28),
        x.engagement(t),
        x.premiumAttempts(t, D14),
        x.premiumAttempts(t, D30),
        x.newUsers(t, D30),
        x.newUsers(t, D90),
        Times.countInWindow(x.workflows(), t, D30),
        meters(x, t),
        attemptedCoreFeatures(x, t),
        activatedAt != null,
        activatedAt);
  }

  /** No account yet (provisional): nothing is known, nothing is activated. */
  static AccountMetrics empty() {
    return new AccountMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(), false, null);
  }

  /**
   * Catalog meters in catalog order, then meters the core plan limits that the catalog lacks; each
   * with its value and the core plan's limit at t (0 = unlimited).
   */
  private static List<MeterValue> meters(FactIndex x, Instant t) {
    Plan plan = x.segment(t).corePlan();
    Map<String, Long> limits = plan == null ? Map.of() : plan.meterLimits();
    Set<String> keys = new LinkedHashSet<>();
    x.catalog.meters().stream().map(Catalog.Meter::meterKey).forEach(keys::add);
    limits.keySet().stream().sorted().forEach(keys::add);
    List<MeterValue> out = new ArrayList<>();
    for (String key : keys) {
      Long limit = limits.get(key);
      BigDecimal value = x.meterValue(key, t);
      out.add(new MeterValue(key, value, limit == null ? 0 : limit));
    }
    return out;
  }

  private static List<String> attemptedCoreFeatures(FactIndex x, Instant t) {
    String core = x.settings.coreProductKey();
    return x.attemptedFeatures(t, D30).stream()
        .filter(k -> x.catalog.feature(k).map(f -> f.productKey().equals(core)).orElse(false))
        .toList();
  }
}
