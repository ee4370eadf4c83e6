package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * WORKFLOW_BOTTLENECK: friction (INTEGRATION/AUTOMATION/MANUAL_STEPS tickets + integration
 * requests) in the window ≥ min_friction and ≥ growth_factor × the prior period's average per
 * window. With windows w and p the average is prior × w / p, so the test is cur · p ≥ growth_factor
 * · prior · w, exactly (3·cur ≥ 2·prior by default); prior 0 leaves min_friction alone.
 */
final class WorkflowBottleneckCondition extends Condition {

  WorkflowBottleneckCondition(SignalRule rule) {
    super(rule);
  }

  private int current(FactIndex x, Instant t) {
    return Times.countInWindow(x.friction(), t, window("window"));
  }

  private int prior(FactIndex x, Instant t) {
    Instant end = t.minus(window("window"));
    return Times.countIn(x.friction(), end.minus(window("prior")), end);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    int cur = current(x, t);
    if (!atLeast(cur, threshold("min_friction"))) {
      return false;
    }
    BigDecimal lhs = dec(cur).multiply(Times.seconds(window("prior")));
    BigDecimal rhs =
        threshold("growth_factor")
            .multiply(dec(prior(x, t)))
            .multiply(Times.seconds(window("window")));
    return lhs.compareTo(rhs) >= 0;
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    Duration w = window("window");
    p.addAll(x.friction())
        .addShifted(x.friction(), w)
        .addShifted(x.friction(), w.plus(window("prior")));
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int cur = current(x, t);
    int prior = prior(x, t);
    BigDecimal average =
        dec(prior)
            .multiply(Times.seconds(window("window")))
            .divide(Times.seconds(window("prior")), 4, RoundingMode.HALF_UP);
    BigDecimal needed = threshold("growth_factor").multiply(average).max(threshold("min_friction"));
    return List.of(
        evidence(
            "friction",
            dec(cur),
            needed,
            cur
                + " integration/automation/manual-step tickets and integration requests in the last"
                + " "
                + days(window("window"))
                + " (needs "
                + plain(needed)
                + ")"),
        evidence(
            "friction_prior_average",
            average,
            null,
            plain(average)
                + " per "
                + days(window("window"))
                + " over the previous "
                + days(window("prior"))));
  }
}
