package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.time.Instant;
import java.util.List;

/** ENTERPRISE_READINESS: distinct active users in the trailing window ≥ min_active_users. */
final class EnterpriseReadinessCondition extends Condition {

  EnterpriseReadinessCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    return atLeast(x.activeUsers(t, window("window")), threshold("min_active_users"));
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    // The distinct-user count is itself a step function; its change instants are exact breakpoints.
    p.addAll(x.activeUsersChanges(window("window")));
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int active = x.activeUsers(t, window("window"));
    return List.of(
        evidence(
            "active_users",
            dec(active),
            threshold("min_active_users"),
            active
                + " active users in the last "
                + days(window("window"))
                + " (threshold "
                + plain(threshold("min_active_users"))
                + ")"));
  }
}
