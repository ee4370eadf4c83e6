package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * POWER_USER_EMERGENCE: ≥ min_users users each active on ≥ min_active_days of the last `days` UTC
 * dates.
 */
final class PowerUserCondition extends Condition {

  PowerUserCondition(SignalRule rule) {
    super(rule);
  }

  private long dates() {
    return window("days").toDays();
  }

  private int powerUsers(FactIndex x, Instant t) {
    int n = 0;
    long dates = dates();
    for (String user : x.userDayFirsts().keySet()) {
      if (atLeast(x.userActiveDates(user, t, dates), threshold("min_active_days"))) {
        n++;
      }
    }
    return n;
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    return atLeast(powerUsers(x, t), threshold("min_users"));
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    // A user's count rises at their first activity of a date and falls when a date leaves
    // (midnight).
    for (Map.Entry<String, Instant[]> e : x.userDayFirsts().entrySet()) {
      p.addAll(e.getValue());
    }
    p.addMidnights();
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int n = powerUsers(x, t);
    return List.of(
        evidence(
            "power_users",
            dec(n),
            threshold("min_users"),
            n
                + " users active on at least "
                + plain(threshold("min_active_days"))
                + " of the last "
                + dates()
                + " days (threshold "
                + plain(threshold("min_users"))
                + " users)"));
  }
}
