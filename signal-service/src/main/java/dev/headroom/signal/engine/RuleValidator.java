package dev.headroom.signal.engine;

import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a rule against the names and ranges the engine understands ({@link DefaultRules}). Every
 * violation is reported (not just the first), in a stable order: type, thresholds by name, windows
 * by name, then cross-field checks; an empty list means the engine can evaluate the rule.
 */
public final class RuleValidator {

  /**
   * Windows longer than this make no sense for "recent behaviour" and would outrun the since
   * horizon.
   */
  public static final Duration MAX_WINDOW = Duration.ofDays(366);

  private enum Kind {
    /** A count of things: a whole number >= 1. */
    COUNT,
    /** A ratio or growth factor: a decimal > 0. */
    RATIO,
    /**
     * An engagement score bound: 0..100 (compared strictly, so 100 can never hold; still accepted).
     */
    SCORE
  }

  public List<RuleViolation> validate(SignalRule rule) {
    List<RuleViolation> out = new ArrayList<>();
    if (rule == null) {
      out.add(new RuleViolation("rule", "is required"));
      return out;
    }
    if (rule.type() == null) {
      out.add(new RuleViolation("type", "is required"));
      return out;
    }
    SignalType type = rule.type();
    Map<String, BigDecimal> expectedThresholds = DefaultRules.of(type).thresholds();
    Map<String, Duration> expectedWindows = DefaultRules.of(type).windows();

    for (String name :
        new TreeSet<>(union(rule.thresholds().keySet(), expectedThresholds.keySet()))) {
      String field = "thresholds." + name;
      BigDecimal value = rule.thresholds().get(name);
      if (!expectedThresholds.containsKey(name)) {
        out.add(
            new RuleViolation(
                field,
                "unknown threshold for "
                    + type
                    + "; known: "
                    + new TreeSet<>(expectedThresholds.keySet())));
      } else if (value == null) {
        out.add(new RuleViolation(field, "is required for " + type));
      } else {
        checkThreshold(field, kindOf(name), value, out);
      }
    }
    for (String name : new TreeSet<>(union(rule.windows().keySet(), expectedWindows.keySet()))) {
      String field = "windows." + name;
      Duration value = rule.windows().get(name);
      if (!expectedWindows.containsKey(name)) {
        out.add(
            new RuleViolation(
                field,
                "unknown window for "
                    + type
                    + "; known: "
                    + new TreeSet<>(expectedWindows.keySet())));
      } else if (value == null) {
        out.add(new RuleViolation(field, "is required for " + type));
      } else if (value.isNegative() || value.isZero()) {
        out.add(new RuleViolation(field, "must be positive, got " + value));
      } else if (value.compareTo(MAX_WINDOW) > 0) {
        out.add(
            new RuleViolation(
                field, "must be at most " + MAX_WINDOW.toDays() + " days, got " + value));
      } else if (type == SignalType.POWER_USER_EMERGENCE
          && name.equals("days")
          && !value.equals(Duration.ofDays(value.toDays()))) {
        // "of the last N days" counts calendar dates, so only whole days mean anything.
        out.add(new RuleViolation(field, "must be a whole number of days, got " + value));
      }
    }
    if (out.isEmpty() && type == SignalType.POWER_USER_EMERGENCE) {
      long days = rule.windows().get("days").toDays();
      if (rule.thresholds().get("min_active_days").compareTo(BigDecimal.valueOf(days)) > 0) {
        out.add(
            new RuleViolation(
                "thresholds.min_active_days",
                "cannot exceed windows.days (" + days + "): the signal could never hold"));
      }
    }
    return out;
  }

  private static void checkThreshold(
      String field, Kind kind, BigDecimal value, List<RuleViolation> out) {
    switch (kind) {
      case COUNT -> {
        if (value.signum() <= 0) {
          out.add(
              new RuleViolation(
                  field, "must be a positive whole number, got " + value.toPlainString()));
        } else if (value.stripTrailingZeros().scale() > 0) {
          out.add(new RuleViolation(field, "must be a whole number, got " + value.toPlainString()));
        }
      }
      case RATIO -> {
        if (value.signum() <= 0) {
          out.add(new RuleViolation(field, "must be positive, got " + value.toPlainString()));
        }
      }
      case SCORE -> {
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
          out.add(
              new RuleViolation(field, "must be between 0 and 100, got " + value.toPlainString()));
        }
      }
    }
  }

  private static Kind kindOf(String thresholdName) {
    return switch (thresholdName) {
      case "min_engagement" -> Kind.SCORE;
      case "utilization", "ratio", "seat_growth", "growth", "growth_factor" -> Kind.RATIO;
      default -> Kind.COUNT;
    };
  }

  private static <T> List<T> union(java.util.Set<T> a, java.util.Set<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
