package dev.headroom.signal.engine;

import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * The default rule per signal type (docs/signals.md), version 0. The names here are the contract of
 * rule data: the engine reads exactly these thresholds and windows, and {@link RuleValidator}
 * accepts exactly these.
 *
 * <pre>
 * SEAT_UTILIZATION_HIGH      thresholds utilization=0.80                 windows sustain=14d
 * PREMIUM_FEATURE_DEMAND     thresholds min_attempts=5                    windows window=14d
 * USAGE_LIMIT_APPROACHING    thresholds ratio=0.90                        windows sustain=14d
 * ENTERPRISE_READINESS       thresholds min_active_users=25               windows window=30d
 * CROSS_PRODUCT_FIT          thresholds min_engagement=80 (strictly more)
 * TEAM_GROWTH                thresholds min_new_admins=2, min_new_teams=2, seat_growth=1.30
 *                                                                         windows window=90d (also the baseline)
 * ADVANCED_FEATURE_ADOPTION  thresholds growth=1.25, min_teams=2          windows quarter=90d
 * WORKFLOW_BOTTLENECK        thresholds min_friction=3, growth_factor=2   windows window=30d, prior=90d
 * POWER_USER_EMERGENCE       thresholds min_users=3, min_active_days=20   windows days=28d (whole days)
 * API_CONSUMPTION_GROWTH     thresholds growth=1.5                        windows window=30d
 * ORGANIZATIONAL_GROWTH                                                   windows window=90d
 * MULTI_SIGNAL                                                            windows window=7d
 * </pre>
 */
public final class DefaultRules {

  public static final String SYSTEM = "system";

  private DefaultRules() {}

  /** Every type's default rule, enabled, version 0. */
  public static Map<SignalType, SignalRule> all() {
    Map<SignalType, SignalRule> rules = new EnumMap<>(SignalType.class);
    for (SignalType type : SignalType.values()) {
      rules.put(type, of(type));
    }
    return Map.copyOf(rules);
  }

  public static SignalRule of(SignalType type) {
    return switch (type) {
      case SEAT_UTILIZATION_HIGH ->
          rule(type, Map.of("utilization", dec("0.80")), Map.of("sustain", days(14)));
      case PREMIUM_FEATURE_DEMAND ->
          rule(type, Map.of("min_attempts", dec("5")), Map.of("window", days(14)));
      case USAGE_LIMIT_APPROACHING ->
          rule(type, Map.of("ratio", dec("0.90")), Map.of("sustain", days(14)));
      case ENTERPRISE_READINESS ->
          rule(type, Map.of("min_active_users", dec("25")), Map.of("window", days(30)));
      case CROSS_PRODUCT_FIT -> rule(type, Map.of("min_engagement", dec("80")), Map.of());
      case TEAM_GROWTH ->
          rule(
              type,
              Map.of(
                  "min_new_admins",
                  dec("2"),
                  "min_new_teams",
                  dec("2"),
                  "seat_growth",
                  dec("1.30")),
              Map.of("window", days(90)));
      case ADVANCED_FEATURE_ADOPTION ->
          rule(
              type,
              Map.of("growth", dec("1.25"), "min_teams", dec("2")),
              Map.of("quarter", days(90)));
      case WORKFLOW_BOTTLENECK ->
          rule(
              type,
              Map.of("min_friction", dec("3"), "growth_factor", dec("2")),
              Map.of("window", days(30), "prior", days(90)));
      case POWER_USER_EMERGENCE ->
          rule(
              type,
              Map.of("min_users", dec("3"), "min_active_days", dec("20")),
              Map.of("days", days(28)));
      case API_CONSUMPTION_GROWTH ->
          rule(type, Map.of("growth", dec("1.5")), Map.of("window", days(30)));
      case ORGANIZATIONAL_GROWTH -> rule(type, Map.of(), Map.of("window", days(90)));
      case MULTI_SIGNAL -> rule(type, Map.of(), Map.of("window", days(7)));
    };
  }

  private static SignalRule rule(
      SignalType type, Map<String, BigDecimal> thresholds, Map<String, Duration> windows) {
    return new SignalRule(type, true, thresholds, windows, 0, Instant.EPOCH, SYSTEM);
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }

  private static Duration days(long n) {
    return Duration.ofDays(n);
  }
}
