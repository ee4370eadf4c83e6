package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.ADVANCED_FEATURE_ADOPTION;
import static dev.headroom.signal.domain.SignalType.API_CONSUMPTION_GROWTH;
import static dev.headroom.signal.domain.SignalType.ORGANIZATIONAL_GROWTH;
import static dev.headroom.signal.domain.SignalType.TEAM_GROWTH;
import static dev.headroom.signal.domain.SignalType.WORKFLOW_BOTTLENECK;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.evidenceValue;
import static dev.headroom.signal.engine.Fixture.require;
import static dev.headroom.signal.engine.Fixture.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.SignalState;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * TEAM_GROWTH, ADVANCED_FEATURE_ADOPTION, WORKFLOW_BOTTLENECK, API_CONSUMPTION_GROWTH,
 * ORGANIZATIONAL_GROWTH.
 */
class GrowthSignalsTest {

  private static Fixture seatGrowth(int added) {
    return new Fixture()
        .subscribe("core", "team", 500, day(-400))
        .members("base", 100, day(0))
        .members("new", added, day(50));
  }

  @Test
  void seatsUpThirtyPercentOverTheNinetyDayBaselineIsTeamGrowth() {
    SignalState s = require(seatGrowth(30).evalOnly(day(95), TEAM_GROWTH), TEAM_GROWTH);

    // Before day 90 the baseline (used 90 days earlier) was 0: no growth can be measured against
    // it.
    assertEquals(day(90), s.since());
    assertEquals(0, new BigDecimal("1.30").compareTo(evidenceValue(s, "seat_growth")));
    assertEquals(BigDecimal.valueOf(100), evidenceValue(s, "seats_used_baseline"));
  }

  @Test
  void seatsUpTwentyNinePercentAreNot() {
    assertTrue(seatGrowth(29).evalOnly(day(95), TEAM_GROWTH).signals().isEmpty());
  }

  @Test
  void noBaselineUntilNinetyDaysAfterSignup() {
    Fixture f =
        new Fixture()
            .signup(day(10))
            .subscribe("core", "team", 10, day(10))
            .added("a1", Role.ADMIN, null, day(20))
            .added("a2", Role.OWNER, null, day(21));

    assertTrue(f.evalOnly(day(60), TEAM_GROWTH).signals().isEmpty());
    SignalState s = require(f.evalOnly(day(105), TEAM_GROWTH), TEAM_GROWTH);
    assertEquals(day(100), s.since());
    assertEquals(BigDecimal.valueOf(2), evidenceValue(s, "new_admins"));
    // On day 110 a1 has left the window, but seats 1 → 2 over the baseline still count as growth;
    // by day 112 both admins are out and the baseline (day 22) already had both seats.
    assertTrue(signal(f.evalOnly(day(110), TEAM_GROWTH), TEAM_GROWTH).isPresent());
    assertTrue(f.evalOnly(day(112), TEAM_GROWTH).signals().isEmpty());
  }

  @Test
  void promotionsToAdminAreNewAdminsButAdminToOwnerIsNot() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-300))
            .added("m1", day(-200))
            .added("m2", day(-200))
            .added("m3", Role.ADMIN, null, day(-200))
            .roleChanged("m1", Role.ADMIN, null, day(10))
            .roleChanged("m3", Role.OWNER, null, day(15));

    assertTrue(f.evalOnly(day(30), TEAM_GROWTH).signals().isEmpty());
    f.roleChanged("m2", Role.OWNER, null, day(20));
    assertEquals(day(20), require(f.evalOnly(day(30), TEAM_GROWTH), TEAM_GROWTH).since());
  }

  @Test
  void twoNewTeamsByFirstAppearance() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-300))
            .workspace("eng", day(-100))
            .workspace("sales", day(5))
            .added("x", Role.MEMBER, "eng", day(6)) // eng is not new
            .added("y", Role.MEMBER, "sales", day(7));

    assertTrue(f.evalOnly(day(30), TEAM_GROWTH).signals().isEmpty());
    f.added("z", Role.MEMBER, "ops", day(8));
    SignalState s = require(f.evalOnly(day(30), TEAM_GROWTH), TEAM_GROWTH);
    assertEquals(day(8), s.since());
    assertEquals(BigDecimal.valueOf(2), evidenceValue(s, "new_teams"));
  }

  /** Team A 4 → 5 users of an advanced feature, team B 2 → {@code bCurrent}. */
  private static Fixture advanced(int bCurrent) {
    Fixture f = new Fixture().subscribe("core", "team", 20, day(-300));
    for (int i = 0; i < 6; i++) {
      f.added("a" + i, Role.MEMBER, "A", day(0));
      f.added("b" + i, Role.MEMBER, "B", day(0));
    }
    f.added("loner", day(0));
    for (int i = 0; i < 4; i++) {
      f.featureUsed("a" + i, "reports", day(50));
    }
    f.featureUsed("b0", "audit_log", day(50)).featureUsed("b1", "reports", day(50));
    for (int i = 0; i < 5; i++) {
      f.featureUsed("a" + i, "reports", day(150));
    }
    for (int i = 0; i < bCurrent; i++) {
      f.featureUsed("b" + i, "reports", day(150));
    }
    f.featureUsed("loner", "reports", day(150)).featureUsed("a0", "basic", day(150));
    return f;
  }

  @Test
  void twoTeamsGrowingAdvancedUsersTwentyFivePercentIsAdoption() {
    SignalState s =
        require(
            advanced(3).evalOnly(day(200), ADVANCED_FEATURE_ADOPTION), ADVANCED_FEATURE_ADOPTION);

    assertEquals(day(150), s.since());
    assertEquals(BigDecimal.valueOf(2), evidenceValue(s, "growing_teams"));
    assertEquals(BigDecimal.valueOf(5), evidenceValue(s, "team.A.advanced_users"));
  }

  @Test
  void oneGrowingTeamIsNotAdoption() {
    assertTrue(advanced(2).evalOnly(day(200), ADVANCED_FEATURE_ADOPTION).signals().isEmpty());
  }

  @Test
  void bottleneckWithNoPriorFrictionNeedsThree() {
    Fixture f =
        new Fixture()
            .ticket("AUTOMATION", day(100))
            .ticket("OTHER", day(100))
            .ticket("MANUAL_STEPS", day(101));

    assertTrue(f.evalOnly(day(105), WORKFLOW_BOTTLENECK).signals().isEmpty());
    f.integrationRequested(day(102));
    SignalState s = require(f.evalOnly(day(105), WORKFLOW_BOTTLENECK), WORKFLOW_BOTTLENECK);
    assertEquals(day(102), s.since());
    assertEquals(BigDecimal.valueOf(3), evidenceValue(s, "friction"));
  }

  private static Fixture friction(int prior, int current) {
    Fixture f = new Fixture();
    for (int i = 0; i < prior; i++) {
      f.ticket("INTEGRATION", day(100 + i * 10)); // in (day 80, day 170]
    }
    for (int i = 0; i < current; i++) {
      f.ticket("AUTOMATION", day(180 + i));
    }
    return f;
  }

  @Test
  void bottleneckNeedsTwiceThePriorMonthlyAverage() {
    assertTrue(
        signal(friction(3, 3).evalOnly(day(200), WORKFLOW_BOTTLENECK), WORKFLOW_BOTTLENECK)
            .isPresent());
    assertTrue(friction(6, 3).evalOnly(day(200), WORKFLOW_BOTTLENECK).signals().isEmpty());
    SignalState s =
        require(friction(6, 4).evalOnly(day(200), WORKFLOW_BOTTLENECK), WORKFLOW_BOTTLENECK);
    assertEquals(day(183), s.since());
    assertEquals(0, new BigDecimal("2").compareTo(evidenceValue(s, "friction_prior_average")));
  }

  private static Fixture api(long lastQuantity) {
    return new Fixture()
        .subscribe("core", "business", 10, day(-300))
        .meter("api_calls", 1000, day(50))
        .meter("api_calls", 1000, day(80))
        .meter("api_calls", lastQuantity, day(90));
  }

  @Test
  void apiUsageUpFiftyPercentOverThePrevious30Days() {
    SignalState s =
        require(api(500).evalOnly(day(100), API_CONSUMPTION_GROWTH), API_CONSUMPTION_GROWTH);

    assertEquals(day(90), s.since());
    assertEquals(BigDecimal.valueOf(1500), evidenceValue(s, "api_usage"));
    assertEquals(BigDecimal.valueOf(1000), evidenceValue(s, "api_usage_prior"));
  }

  @Test
  void apiUsageUpFortyNinePercentOrWithoutPriorUsageIsNotGrowth() {
    assertTrue(api(490).evalOnly(day(100), API_CONSUMPTION_GROWTH).signals().isEmpty());
    Fixture noPrior =
        new Fixture().meter("api_calls", 1000, day(80)).meter("api_calls", 5000, day(90));
    assertTrue(noPrior.evalOnly(day(100), API_CONSUMPTION_GROWTH).signals().isEmpty());
  }

  @Test
  void organizationalGrowthLastsNinetyDaysFromTheEvent() {
    Fixture f = new Fixture().external("FUNDING_ROUND", day(10)).external("PARTNERSHIP", day(95));

    assertEquals(
        day(10),
        require(f.evalOnly(day(100).minusNanos(1), ORGANIZATIONAL_GROWTH), ORGANIZATIONAL_GROWTH)
            .since());
    assertTrue(f.evalOnly(day(100), ORGANIZATIONAL_GROWTH).signals().isEmpty());

    f.external("HIRING_SURGE", day(60));
    assertEquals(
        day(10),
        require(f.evalOnly(day(120), ORGANIZATIONAL_GROWTH), ORGANIZATIONAL_GROWTH).since());
  }
}
