package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * TEAM_GROWTH: a baseline exists (signup ≤ t − window) and (new admins ≥ min_new_admins, or new
 * teams ≥ min_new_teams, or used(t − window) > 0 and used(t) ≥ seat_growth × used(t − window)).
 */
final class TeamGrowthCondition extends Condition {

  TeamGrowthCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    Duration w = window("window");
    Instant signup = x.account.signupTime();
    if (signup == null || signup.isAfter(t.minus(w))) {
      return false;
    }
    return atLeast(x.newAdmins(t, w), threshold("min_new_admins"))
        || atLeast(x.newTeams(t, w), threshold("min_new_teams"))
        || seatsGrew(x, t, w);
  }

  private boolean seatsGrew(FactIndex x, Instant t, Duration w) {
    int baseline = x.seatsUsed(t.minus(w));
    return baseline > 0 && atLeast(dec(x.seatsUsed(t)), threshold("seat_growth"), dec(baseline));
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    Duration w = window("window");
    // Membership moves new admins and used(t) now, and the baseline used(t − w) one window later.
    p.addAll(x.membershipTimes())
        .addShifted(x.membershipTimes(), w)
        .addAll(x.teamFirstSeen())
        .addShifted(x.teamFirstSeen(), w);
    if (x.account.signupTime() != null) {
      p.add(x.account.signupTime().plus(w));
    }
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    Duration w = window("window");
    int admins = x.newAdmins(t, w);
    int teams = x.newTeams(t, w);
    int used = x.seatsUsed(t);
    int baseline = x.seatsUsed(t.minus(w));
    BigDecimal growth = ratio(dec(used), dec(baseline));
    String period = " in the last " + days(w);
    return List.of(
        evidence(
            "new_admins",
            dec(admins),
            threshold("min_new_admins"),
            admins + " new admins" + period),
        evidence(
            "new_teams", dec(teams), threshold("min_new_teams"), teams + " new teams" + period),
        evidence("seats_used", dec(used), null, used + " seats used now"),
        evidence(
            "seats_used_baseline",
            dec(baseline),
            null,
            baseline + " seats used " + days(w) + " ago"),
        evidence(
            "seat_growth",
            growth,
            threshold("seat_growth"),
            baseline == 0
                ? "no seat baseline " + days(w) + " ago"
                : "seats used grew " + baseline + " → " + used + " (x" + plain(growth) + ")"));
  }
}
