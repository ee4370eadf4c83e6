package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ADVANCED_FEATURE_ADOPTION: per team (the user's team as of t; users without one ignored), cur =
 * distinct users using an advanced feature in (t − q, t], prior = the same in (t − 2q, t − q]; a
 * team grows iff prior > 0 and cur ≥ growth × prior; holds with ≥ min_teams growing teams.
 */
final class AdvancedAdoptionCondition extends Condition {

  AdvancedAdoptionCondition(SignalRule rule) {
    super(rule);
  }

  /** Per team: [cur, prior]. */
  private Map<String, int[]> perTeam(FactIndex x, Instant t) {
    Duration q = window("quarter");
    Instant mid = t.minus(q);
    Instant start = mid.minus(q);
    Map<String, int[]> teams = new TreeMap<>();
    for (Map.Entry<String, Instant[]> e : x.advancedUseByUser().entrySet()) {
      String team = x.teamOf(e.getKey(), t);
      if (team == null) {
        continue;
      }
      boolean cur = Times.countIn(e.getValue(), mid, t) > 0;
      boolean prior = Times.countIn(e.getValue(), start, mid) > 0;
      if (cur || prior) {
        int[] c = teams.computeIfAbsent(team, k -> new int[2]);
        c[0] += cur ? 1 : 0;
        c[1] += prior ? 1 : 0;
      }
    }
    return teams;
  }

  private List<String> growingTeams(Map<String, int[]> teams) {
    List<String> out = new ArrayList<>();
    teams.forEach(
        (team, c) -> {
          if (c[1] > 0 && atLeast(dec(c[0]), threshold("growth"), dec(c[1]))) {
            out.add(team);
          }
        });
    return out;
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    return atLeast(growingTeams(perTeam(x, t)).size(), threshold("min_teams"));
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    Duration q = window("quarter");
    for (Instant[] uses : x.advancedUseByUser().values()) {
      p.addAll(uses).addShifted(uses, q).addShifted(uses, q.multipliedBy(2));
    }
    p.addAll(x.membershipTimes()); // a user's team can change
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    Map<String, int[]> teams = perTeam(x, t);
    List<String> growing = growingTeams(teams);
    List<Evidence> out = new ArrayList<>();
    out.add(
        evidence(
            "growing_teams",
            dec(growing.size()),
            threshold("min_teams"),
            growing.size()
                + " teams grew advanced-feature users by at least x"
                + plain(threshold("growth"))
                + " over the previous "
                + days(window("quarter"))
                + ": "
                + String.join(", ", growing)));
    for (String team : growing) {
      int[] c = teams.get(team);
      out.add(
          evidence(
              "team." + team + ".advanced_users",
              dec(c[0]),
              threshold("growth").multiply(dec(c[1])),
              "team " + team + ": " + c[1] + " → " + c[0] + " users of advanced features"));
    }
    return out;
  }
}
