package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * API_CONSUMPTION_GROWTH: the API meters' quantity summed over (t − w, t] vs (t − 2w, t − w]: prior
 * > 0 and cur ≥ growth × prior. Rolling windows rather than calendar months, so growth is seen
 * mid-month.
 */
final class ApiGrowthCondition extends Condition {

  ApiGrowthCondition(SignalRule rule) {
    super(rule);
  }

  private BigDecimal current(FactIndex x, Instant t) {
    return x.apiUsage().sumInWindow(t, window("window"));
  }

  private BigDecimal prior(FactIndex x, Instant t) {
    Duration w = window("window");
    return x.apiUsage().sumOpenClosed(t.minus(w.multipliedBy(2)), t.minus(w));
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    BigDecimal prior = prior(x, t);
    return prior.signum() > 0 && atLeast(current(x, t), threshold("growth"), prior);
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    Instant[] times = x.apiUsage().times();
    Duration w = window("window");
    p.addAll(times).addShifted(times, w).addShifted(times, w.multipliedBy(2));
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    BigDecimal cur = current(x, t);
    BigDecimal prior = prior(x, t);
    String period = days(window("window"));
    return List.of(
        evidence(
            "api_usage",
            cur,
            threshold("growth").multiply(prior),
            "API usage "
                + plain(cur)
                + " in the last "
                + period
                + " vs "
                + plain(prior)
                + " in the "
                + period
                + " before (x"
                + plain(ratio(cur, prior))
                + ", threshold x"
                + plain(threshold("growth"))
                + ")"),
        evidence("api_usage_prior", prior, null, "API usage in the previous " + period));
  }
}
