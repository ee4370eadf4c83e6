package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.time.Instant;
import java.util.List;

/**
 * ORGANIZATIONAL_GROWTH: an EXTERNAL FUNDING_ROUND / HIRING_SURGE / ACQUISITION in the trailing
 * window.
 */
final class OrganizationalGrowthCondition extends Condition {

  OrganizationalGrowthCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    return Times.countInWindow(x.growthExternal(), t, window("window")) > 0;
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    p.addAll(x.growthExternal()).addShifted(x.growthExternal(), window("window"));
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int n = Times.countInWindow(x.growthExternal(), t, window("window"));
    return List.of(
        evidence(
            "growth_events",
            dec(n),
            dec(1),
            n + " funding, hiring or acquisition events in the last " + days(window("window"))));
  }
}
