package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Catalog.Plan;
import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * USAGE_LIMIT_APPROACHING: some meter limited by the core plan at t has value ≥ ratio × limit. One
 * condition over all meters, so a run continues as long as any meter qualifies.
 */
final class UsageLimitCondition extends Condition {

  UsageLimitCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    for (Map.Entry<String, Long> limit : limits(x, t).entrySet()) {
      if (qualifies(x, t, limit.getKey(), limit.getValue())) {
        return true;
      }
    }
    return false;
  }

  private boolean qualifies(FactIndex x, Instant t, String meterKey, long limit) {
    return atLeast(x.meterValue(meterKey, t), threshold("ratio"), dec(limit));
  }

  /** Positive limits of the core plan effective at t, by meter key (sorted for stable evidence). */
  static Map<String, Long> limits(FactIndex x, Instant t) {
    Plan plan = x.segment(t).corePlan();
    Map<String, Long> out = new TreeMap<>();
    if (plan != null) {
      plan.meterLimits()
          .forEach(
              (k, v) -> {
                if (v != null && v > 0) {
                  out.put(k, v);
                }
              });
    }
    return out;
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    p.addAll(x.subscriptionChanges()).addMonthStarts();
    for (String key : x.meterKeysWithFacts()) {
      p.addAll(x.meterTimes(key));
    }
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    List<Evidence> out = new ArrayList<>();
    BigDecimal ratio = threshold("ratio");
    for (Map.Entry<String, Long> e : limits(x, t).entrySet()) {
      if (!qualifies(x, t, e.getKey(), e.getValue())) {
        continue;
      }
      BigDecimal value = x.meterValue(e.getKey(), t);
      BigDecimal min = ratio.multiply(dec(e.getValue()));
      String what =
          switch (x.aggregation(e.getKey())) {
            case SUM -> "this month (or last month's total)";
            case LAST -> "current";
          };
      out.add(
          evidence(
              "meter." + e.getKey(),
              value,
              min,
              e.getKey()
                  + " "
                  + what
                  + " "
                  + plain(value)
                  + " of limit "
                  + e.getValue()
                  + " ("
                  + percent(ratio(value, dec(e.getValue())))
                  + "%), threshold "
                  + percent(ratio)
                  + "%"));
    }
    return out;
  }
}
