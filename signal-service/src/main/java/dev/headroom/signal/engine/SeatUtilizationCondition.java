package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * SEAT_UTILIZATION_HIGH: capacity > 0 and seats used ≥ utilization × capacity (sustained by the
 * engine).
 */
final class SeatUtilizationCondition extends Condition {

  SeatUtilizationCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    int capacity = x.capacity(t);
    return capacity > 0 && atLeast(dec(x.seatsUsed(t)), threshold("utilization"), dec(capacity));
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    p.addAll(x.membershipTimes()).addAll(x.subscriptionChanges());
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int used = x.seatsUsed(t);
    int capacity = x.capacity(t);
    BigDecimal utilization = ratio(dec(used), dec(capacity));
    BigDecimal min = threshold("utilization");
    return List.of(
        evidence("seats_used", dec(used), null, used + " seats used"),
        evidence("seats_purchased", dec(capacity), null, capacity + " seats purchased"),
        evidence(
            "seat_utilization",
            utilization,
            min,
            used
                + " of "
                + capacity
                + " seats used ("
                + percent(utilization)
                + "%), threshold "
                + percent(min)
                + "% sustained "
                + days(window("sustain"))));
  }
}
