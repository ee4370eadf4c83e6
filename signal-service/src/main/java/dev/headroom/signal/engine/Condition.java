package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One base signal's condition C(t) under one rule. C is right-continuous and piecewise constant: it
 * can only change at the instants {@link #addBreakpoints} reports, which is what lets {@link
 * RunFinder} find the start of the current run by evaluating C once per candidate instant.
 */
abstract class Condition {

  final SignalRule rule;

  Condition(SignalRule rule) {
    this.rule = rule;
  }

  SignalType type() {
    return rule.type();
  }

  /** C(t), from facts with occurred_at <= t and the subscriptions effective at t. */
  abstract boolean holds(FactIndex index, Instant t);

  /** Every instant in the range at which C may change (a superset is fine). */
  abstract void addBreakpoints(FactIndex index, Breakpoints points);

  /** The metric values behind C at t next to the thresholds they were compared with. */
  abstract List<Evidence> evidence(FactIndex index, Instant t);

  // ---- shared helpers: exact comparisons and readable numbers
  // -----------------------------------------

  BigDecimal threshold(String name) {
    return rule.threshold(name);
  }

  Duration window(String name) {
    return rule.window(name);
  }

  static boolean atLeast(long value, BigDecimal threshold) {
    return BigDecimal.valueOf(value).compareTo(threshold) >= 0;
  }

  /** {@code value >= factor × base}, exactly. */
  static boolean atLeast(BigDecimal value, BigDecimal factor, BigDecimal base) {
    return value.compareTo(factor.multiply(base)) >= 0;
  }

  static BigDecimal dec(long value) {
    return BigDecimal.valueOf(value);
  }

  /** A ratio rounded for display only; decisions never use it. */
  static BigDecimal ratio(BigDecimal numerator, BigDecimal denominator) {
    return denominator.signum() == 0
        ? BigDecimal.ZERO
        : numerator.divide(denominator, 4, RoundingMode.HALF_UP);
  }

  static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  static String percent(BigDecimal ratio) {
    return plain(ratio.multiply(BigDecimal.valueOf(100)).setScale(1, RoundingMode.HALF_UP));
  }

  static String days(Duration d) {
    return d.equals(Duration.ofDays(d.toDays())) ? d.toDays() + " days" : d.toString();
  }

  static Evidence evidence(
      String metric, BigDecimal value, BigDecimal threshold, String description) {
    return new Evidence(metric, value, threshold, description);
  }
}
