package dev.headroom.signal.engine;

import static dev.headroom.signal.engine.Fixture.day;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.AccountTimeline;
import dev.headroom.signal.domain.Evaluation;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.RunMemory;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalType;
import dev.headroom.signal.domain.UsageFact;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the breakpoint search against brute force: with every fact, subscription change and window
 * on whole hours, every condition is constant on each hour, so walking back hour by hour finds the
 * true run start. If a condition forgot a breakpoint source, the two disagree.
 */
class RunFinderCrossCheckTest {

  private static final String[] USERS = {"u0", "u1", "u2", "u3", "u4", "u5"};
  private static final String[] TEAMS = {"red", "blue", "green"};
  private static final List<Role> ROLES = List.of(Role.values());
  private static final String[] FEATURES = {"basic", "reports", "sso", "audit_log", "dashboards"};

  /** Thresholds low enough that random data satisfies them often. */
  private static Map<SignalType, SignalRule> looseRules() {
    Map<SignalType, SignalRule> r = new EnumMap<>(SignalType.class);
    r.put(
        SignalType.SEAT_UTILIZATION_HIGH,
        Fixture.with(
            SignalType.SEAT_UTILIZATION_HIGH,
            Map.of("utilization", new BigDecimal("0.5")),
            Map.of()));
    r.put(
        SignalType.PREMIUM_FEATURE_DEMAND,
        Fixture.with(
            SignalType.PREMIUM_FEATURE_DEMAND,
            Map.of("min_attempts", new BigDecimal("2")),
            Map.of()));
    r.put(
        SignalType.USAGE_LIMIT_APPROACHING,
        Fixture.with(
            SignalType.USAGE_LIMIT_APPROACHING, Map.of("ratio", new BigDecimal("0.3")), Map.of()));
    r.put(
        SignalType.ENTERPRISE_READINESS,
        Fixture.with(
            SignalType.ENTERPRISE_READINESS,
            Map.of("min_active_users", new BigDecimal("3")),
            Map.of("window", Duration.ofDays(5))));
    r.put(
        SignalType.CROSS_PRODUCT_FIT,
        Fixture.with(
            SignalType.CROSS_PRODUCT_FIT,
            Map.of("min_engagement", new BigDecimal("40")),
            Map.of()));
    r.put(
        SignalType.TEAM_GROWTH,
        Fixture.with(
            SignalType.TEAM_GROWTH,
            Map.of("min_new_admins", new BigDecimal("2"), "min_new_teams", new BigDecimal("3")),
            Map.of("window", Duration.ofDays(20))));
    r.put(
        SignalType.ADVANCED_FEATURE_ADOPTION,
        Fixture.with(
            SignalType.ADVANCED_FEATURE_ADOPTION,
            Map.of("min_teams", BigDecimal.ONE, "growth", BigDecimal.ONE),
            Map.of("quarter", Duration.ofDays(10))));
    r.put(
        SignalType.WORKFLOW_BOTTLENECK,
        Fixture.with(
            SignalType.WORKFLOW_BOTTLENECK,
            Map.of("min_friction", new BigDecimal("2")),
            Map.of("window", Duration.ofDays(7), "prior", Duration.ofDays(21))));
    r.put(
        SignalType.POWER_USER_EMERGENCE,
        Fixture.with(
            SignalType.POWER_USER_EMERGENCE,
            Map.of("min_users", BigDecimal.ONE, "min_active_days", new BigDecimal("2")),
            Map.of("days", Duration.ofDays(7))));
    r.put(
        SignalType.API_CONSUMPTION_GROWTH,
        Fixture.with(
            SignalType.API_CONSUMPTION_GROWTH,
            Map.of("growth", new BigDecimal("1.2")),
            Map.of("window", Duration.ofDays(6))));
    r.put(
        SignalType.ORGANIZATIONAL_GROWTH,
        Fixture.with(
            SignalType.ORGANIZATIONAL_GROWTH, Map.of(), Map.of("window", Duration.ofDays(9))));
    return r;
  }

  private static Instant hour(Random random, int days) {
    return day(0).plus(Duration.ofHours(random.nextInt(days * 24)));
  }

  private static Fixture randomAccount(long seed) {
    Random random = new Random(seed);
    int days = 75;
    Fixture f = new Fixture().signup(day(-10)).subscribe("core", "team", 8, day(-30));
    for (int i = 0; i < 3; i++) {
      String plan = new String[] {"free", "team", "business"}[random.nextInt(3)];
      f.subscribe("core", plan, 2 + random.nextInt(8), hour(random, days));
    }
    f.subscribe("analytics", "analytics_pro", 1, hour(random, days));
    for (int i = 0; i < 260; i++) {
      String user = USERS[random.nextInt(USERS.length)];
      Instant at = hour(random, days);
      switch (random.nextInt(13)) {
        case 0 ->
            f.added(
                user,
                ROLES.get(random.nextInt(ROLES.size())),
                random.nextBoolean() ? TEAMS[random.nextInt(3)] : null,
                at);
        case 1 -> f.removed(user, at);
        case 2 ->
            f.roleChanged(
                user,
                ROLES.get(random.nextInt(ROLES.size())),
                random.nextBoolean() ? TEAMS[random.nextInt(3)] : null,
                at);
        case 3, 4 -> f.active(user, at);
        case 5 -> f.featureUsed(user, FEATURES[random.nextInt(FEATURES.length)], at);
        case 6 -> f.paywallHit(user, FEATURES[random.nextInt(FEATURES.length)], at);
        case 7 ->
            f.meter(random.nextBoolean() ? "api_calls" : "storage_gb", random.nextInt(40_000), at);
        case 8 -> f.workflow(user, at);
        case 9 ->
            f.ticket(new String[] {"INTEGRATION", "AUTOMATION", "OTHER"}[random.nextInt(3)], at);
        case 10 -> f.integrationRequested(at);
        case 11 -> f.workspace("ws" + random.nextInt(6), at);
        default -> f.external(random.nextBoolean() ? "FUNDING_ROUND" : "PARTNERSHIP", at);
      }
    }
    return f;
  }

  @Test
  void breakpointSearchAgreesWithAnHourByHourWalk() {
    Map<SignalType, SignalRule> rules = looseRules();
    Map<SignalType, Integer> held = new EnumMap<>(SignalType.class);
    for (long seed = 1; seed <= 12; seed++) {
      Fixture f = randomAccount(seed);
      for (int evalDay : new int[] {30, 55, 80}) {
        Instant t = day(evalDay).plus(Duration.ofHours(seed % 24));
        FactIndex index = new FactIndex(f.account(), Fixture.CATALOG, f.facts, t, Fixture.SETTINGS);
        for (SignalRule rule : rules.values()) {
          Condition c = SignalEngine.conditionFor(rule);
          if (!c.holds(index, t)) {
            continue;
          }
          held.merge(rule.type(), 1, Integer::sum);
          Instant s = t.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
          while (c.holds(index, s.minus(Duration.ofHours(1)))) {
            s = s.minus(Duration.ofHours(1));
          }
          assertEquals(s, RunFinder.runStart(c, index, t, null), () -> rule.type() + " at " + t);
        }
      }
    }
    // Every condition was exercised, so a missing breakpoint source cannot hide behind "never
    // held".
    assertEquals(rules.keySet(), held.keySet(), () -> "held: " + held);
    held.values().forEach(n -> assertTrue(n >= 2, () -> "held: " + held));
  }

  /**
   * The run memory only shortens the search: evaluating an account again and again as its facts
   * arrive, a few of them late (before the previous evaluation's instant), gives exactly what a
   * fresh evaluation of the same facts gives.
   */
  @Test
  void evaluationsWithRunMemoryAgreeWithFreshOnes() {
    Map<SignalType, SignalRule> rules = looseRules();
    SignalEngine engine = new SignalEngine(Fixture.SETTINGS);
    int withLateFacts = 0;
    int withoutLateFacts = 0;
    for (long seed = 1; seed <= 12; seed++) {
      Fixture f = randomAccount(seed);
      Random random = new Random(seed);
      List<Instant> instants = new java.util.ArrayList<>();
      for (int evalDay = 20; evalDay <= 80; evalDay += 6) {
        instants.add(day(evalDay).plus(Duration.ofMinutes(seed * 37)));
      }
      // A fact arrives at the first evaluation that can see it, or (1 in 20) a few evaluations
      // later: then it is late and rewrites history the previous evaluation had seen.
      Map<UsageFact, Integer> arrival = new java.util.HashMap<>();
      for (UsageFact fact : f.facts) {
        int first = 0;
        while (first < instants.size() && instants.get(first).isBefore(fact.occurredAt())) {
          first++;
        }
        arrival.put(fact, random.nextInt(20) == 0 ? first + 1 + random.nextInt(3) : first);
      }
      RunMemory memory = null;
      for (int step = 0; step < instants.size(); step++) {
        int arrived = step;
        Instant t = instants.get(step);
        List<UsageFact> known = f.facts.stream().filter(x -> arrival.get(x) <= arrived).toList();
        AccountTimeline timeline = new AccountTimeline(f.account(), Fixture.CATALOG, known);
        Evaluation withMemory = engine.evaluate(timeline, rules, t, memory);
        Evaluation fresh = engine.evaluate(timeline, rules, t);
        assertEquals(fresh.signals(), withMemory.signals(), () -> "at " + t);
        if (step > 0) {
          Instant previous = instants.get(step - 1);
          boolean late =
              known.stream()
                  .anyMatch(x -> arrival.get(x) == arrived && x.occurredAt().isBefore(previous));
          if (late) {
            withLateFacts++;
          } else {
            withoutLateFacts++;
          }
        }
        memory = withMemory.runMemory();
      }
    }
    int late = withLateFacts;
    int clean = withoutLateFacts;
    assertTrue(late >= 10 && clean >= 10, () -> late + " with late facts, " + clean + " without");
  }
}
