package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.ORGANIZATIONAL_GROWTH;
import static dev.headroom.signal.domain.SignalType.PREMIUM_FEATURE_DEMAND;
import static dev.headroom.signal.domain.SignalType.SEAT_UTILIZATION_HIGH;
import static dev.headroom.signal.domain.SignalType.USAGE_LIMIT_APPROACHING;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.require;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Results are a pure function of the facts, whatever order or duplication they arrive in. */
class DeterminismTest {

  /** An account where most signals hold, with ties and history that a late fact could rewrite. */
  private static Fixture busy() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-200))
            .subscribe("core", "team", 12, day(40))
            .activated(day(-100))
            .external("ACQUISITION", day(30));
    for (int i = 0; i < 10; i++) {
      f.added("u" + i, i < 3 ? Role.ADMIN : Role.MEMBER, "t" + (i % 3), day(i));
    }
    for (int d = 0; d < 60; d++) {
      for (int u = 0; u < 10; u += 1 + d % 3) {
        f.active("u" + u, day(d).plus(Duration.ofHours(u)));
      }
      f.meter("api_calls", 1000L + d * 60L, day(d));
      f.meter("storage_gb", 90 + d % 5, day(d));
    }
    for (int i = 0; i < 7; i++) {
      f.featureUsed("u" + i, "sso", day(50 + i)).featureUsed("u" + i, "audit_log", day(50));
      f.ticket("INTEGRATION", day(45 + i));
    }
    f.removed("u9", day(45))
        .added("u9", Role.MEMBER, null, day(45)); // same instant: tie by event id
    return f;
  }

  @Test
  void shuffledFactsGiveTheSameEvaluation() {
    Fixture f = busy();
    Evaluation expected = f.eval(day(60));
    assertTrue(
        expected.signals().size() >= 5, () -> "fixture should be rich: " + expected.signals());

    Random random = new Random(42);
    for (int run = 0; run < 5; run++) {
      List<UsageFact> shuffled = new ArrayList<>(f.facts);
      Collections.shuffle(shuffled, random);
      AccountTimeline timeline = new AccountTimeline(f.account(), Fixture.CATALOG, shuffled);
      assertEquals(
          expected,
          new SignalEngine(Fixture.SETTINGS).evaluate(timeline, DefaultRules.all(), day(60)));
    }
  }

  @Test
  void aRepeatedEventIdChangesNothing() {
    Fixture f = busy();
    Evaluation expected = f.eval(day(60));
    List<UsageFact> doubled = new ArrayList<>(f.facts);
    doubled.addAll(f.facts);
    assertEquals(
        expected,
        new SignalEngine(Fixture.SETTINGS)
            .evaluate(
                new AccountTimeline(f.account(), Fixture.CATALOG, doubled),
                DefaultRules.all(),
                day(60)));
  }

  @Test
  void aLateFactRewritesSinceOnTheOccurredAtTimeline() {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-100)).members("u", 8, day(0));
    assertEquals(
        day(14),
        require(f.evalOnly(day(20), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).since());

    // Learned late: one member left for an hour on day 3.
    f.removed("u0", day(3)).added("u0", day(3).plus(Duration.ofHours(1)));
    assertEquals(
        day(17).plus(Duration.ofHours(1)),
        require(f.evalOnly(day(20), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).since());
  }

  @Test
  void aRunOfMoreThanAYearReportsItsStartAndItDoesNotMove() {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-900)).members("u", 9, day(-800));

    for (int t : new int[] {0, 1, 30, 200}) {
      assertEquals(
          day(-800 + 14),
          require(f.evalOnly(day(t), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).since(),
          "at day " + t);
    }
  }

  @Test
  void aMeterNearItsLimitForYearsReportsWhenItFirstGotThere() {
    // storage_gb is a gauge limited to 100 on the team plan.
    Fixture f =
        new Fixture().subscribe("core", "team", 10, day(-900)).meter("storage_gb", 95, day(-700));

    for (int t : new int[] {0, 45}) {
      assertEquals(
          day(-700 + 14),
          require(f.evalOnly(day(t), USAGE_LIMIT_APPROACHING), USAGE_LIMIT_APPROACHING).since(),
          "at day " + t);
    }
  }

  @Test
  void aRememberedRunIsTrustedOnlyWhileTheHistoryBeforeItIsUnchanged() {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-900)).members("u", 8, day(-800));
    Map<SignalType, SignalRule> rules =
        Map.of(SEAT_UTILIZATION_HIGH, DefaultRules.of(SEAT_UTILIZATION_HIGH));
    SignalEngine engine = new SignalEngine(Fixture.SETTINGS);
    RunMemory memory = engine.evaluate(f.timeline(), rules, day(0)).runMemory();
    // A memory claiming another start shows whether the engine searched past it or trusted it.
    RunMemory.Run run = memory.runs().get(SEAT_UTILIZATION_HIGH);
    RunMemory claimed =
        new RunMemory(
            memory.asOf(),
            memory.account(),
            memory.catalog(),
            memory.factsBefore(),
            memory.historyHash(),
            Map.of(SEAT_UTILIZATION_HIGH, new RunMemory.Run(run.rule(), day(-500))));

    // Facts after the remembered instant leave the history before it alone: trusted.
    f.active("u1", day(0.5)).added("u8", day(0.75));
    assertEquals(
        day(-500 + 14),
        require(engine.evaluate(f.timeline(), rules, day(1), claimed), SEAT_UTILIZATION_HIGH)
            .since());

    // Learned late: a member left for an hour 300 days ago. The memory no longer describes the
    // history, so the run is searched again.
    f.removed("u0", day(-300)).added("u0", day(-300).plus(Duration.ofHours(1)));
    Evaluation after = engine.evaluate(f.timeline(), rules, day(1), claimed);
    assertEquals(
        day(-300 + 14).plus(Duration.ofHours(1)), require(after, SEAT_UTILIZATION_HIGH).since());
    assertEquals(
        day(-300 + 14).plus(Duration.ofHours(1)),
        require(
                engine.evaluate(f.timeline(), rules, day(2), after.runMemory()),
                SEAT_UTILIZATION_HIGH)
            .since());
  }

  @Test
  void aProvisionalAccountEvaluatesNothing() {
    Fixture f = busy();
    Evaluation e =
        new SignalEngine(Fixture.SETTINGS)
            .evaluate(
                new AccountTimeline(null, Fixture.CATALOG, f.facts), DefaultRules.all(), day(60));

    assertTrue(e.signals().isEmpty());
    assertFalse(e.metrics().activated());
    assertEquals(0, e.metrics().seatsUsed());
  }

  @Test
  void disabledOrAbsentRulesAreNotEvaluated() {
    Fixture f = new Fixture().external("FUNDING_ROUND", day(1));
    SignalRule d = DefaultRules.of(ORGANIZATIONAL_GROWTH);
    SignalRule disabled =
        new SignalRule(d.type(), false, d.thresholds(), d.windows(), 2, day(0), "admin");

    assertTrue(f.eval(Map.of(ORGANIZATIONAL_GROWTH, disabled), day(2)).signals().isEmpty());
    assertTrue(f.eval(Map.of(), day(2)).signals().isEmpty());
    assertEquals(1, f.eval(Map.of(ORGANIZATIONAL_GROWTH, d), day(2)).signals().size());
  }

  @Test
  void anInvalidRuleIsRejectedRatherThanGuessed() {
    Map<SignalType, SignalRule> rules = new EnumMap<>(SignalType.class);
    rules.put(
        PREMIUM_FEATURE_DEMAND,
        Fixture.with(PREMIUM_FEATURE_DEMAND, Map.of("min_attempts", BigDecimal.ZERO), Map.of()));

    assertThrows(IllegalArgumentException.class, () -> new Fixture().eval(rules, day(0)));
  }
}
