package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.CROSS_PRODUCT_FIT;
import static dev.headroom.signal.domain.SignalType.ENTERPRISE_READINESS;
import static dev.headroom.signal.domain.SignalType.POWER_USER_EMERGENCE;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.evidenceValue;
import static dev.headroom.signal.engine.Fixture.require;
import static dev.headroom.signal.engine.Fixture.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.SignalState;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ENTERPRISE_READINESS, CROSS_PRODUCT_FIT and POWER_USER_EMERGENCE: signals built on activity. */
class ActivitySignalsTest {

  /** {@code n} distinct users, user i active once at day i/2. */
  private static Fixture activeUsers(int n) {
    Fixture f = new Fixture().subscribe("core", "team", 50, day(-100));
    for (int i = 0; i < n; i++) {
      f.active("u" + i, day(i / 2.0));
    }
    return f;
  }

  @Test
  void twentyFiveActiveUsersFireEnterpriseReadinessSinceTheTwentyFifth() {
    SignalState s =
        require(activeUsers(25).evalOnly(day(20), ENTERPRISE_READINESS), ENTERPRISE_READINESS);

    assertEquals(day(12), s.since());
    assertEquals(BigDecimal.valueOf(25), evidenceValue(s, "active_users"));
  }

  @Test
  void twentyFourActiveUsersDoNot() {
    assertTrue(activeUsers(24).evalOnly(day(20), ENTERPRISE_READINESS).signals().isEmpty());
    assertEquals(24, activeUsers(24).evalOnly(day(20)).metrics().activeUsers30d());
  }

  @Test
  void anActivityExactlyThirtyDaysOldIsOut() {
    Fixture f = activeUsers(25); // u0 active at day 0

    assertTrue(
        signal(f.evalOnly(day(30).minusNanos(1), ENTERPRISE_READINESS), ENTERPRISE_READINESS)
            .isPresent());
    assertTrue(f.evalOnly(day(30), ENTERPRISE_READINESS).signals().isEmpty());
    // Another activity of u0 keeps the count up and the run unbroken.
    f.active("u0", day(25));
    assertEquals(
        day(12), require(f.evalOnly(day(30), ENTERPRISE_READINESS), ENTERPRISE_READINESS).since());
  }

  /** One member, active every 28-day window's last {@code dates} dates ending at day 40 (10:00). */
  private static Fixture engagedSolo(int dates) {
    Fixture f = new Fixture().subscribe("core", "team", 5, day(-100)).added("solo", day(-60));
    for (int i = 0; i < dates; i++) {
      f.active("solo", day(40 - i).plus(Duration.ofHours(10)));
    }
    return f;
  }

  @Test
  void engagementEightyOneFiresCrossProductFitSinceItCrossedEighty() {
    Fixture f = engagedSolo(15); // 60 + 40·15/28 = 81.43 → 81
    SignalState s =
        require(
            f.evalOnly(day(40).plus(Duration.ofHours(12)), CROSS_PRODUCT_FIT), CROSS_PRODUCT_FIT);

    assertEquals(BigDecimal.valueOf(81), evidenceValue(s, "engagement_score"));
    // Until the 15th date's activity at 10:00 the account had 14 dates in its window (engagement
    // 80).
    assertEquals(day(40).plus(Duration.ofHours(10)), s.since());
  }

  @Test
  void engagementEightyIsNotAboveEighty() {
    Fixture f = engagedSolo(14);
    var e = f.evalOnly(day(40).plus(Duration.ofHours(12)), CROSS_PRODUCT_FIT);

    assertEquals(80, e.metrics().engagementScore());
    assertTrue(e.signals().isEmpty());
  }

  @Test
  void noCrossProductFitWhenEveryProductIsOwnedOrCoreIsMissing() {
    Fixture owned = engagedSolo(20).subscribe("analytics", "analytics_pro", 5, day(-10));
    assertTrue(
        owned.evalOnly(day(40).plus(Duration.ofHours(12)), CROSS_PRODUCT_FIT).signals().isEmpty());

    Fixture noCore =
        new Fixture().subscribe("analytics", "analytics_pro", 5, day(-100)).added("solo", day(-60));
    for (int i = 0; i < 28; i++) {
      noCore.active("solo", day(40 - i));
    }
    assertTrue(
        noCore.evalOnly(day(40).plus(Duration.ofHours(12)), CROSS_PRODUCT_FIT).signals().isEmpty());
  }

  /** Users p1..p3 active daily; p3 on {@code p3Dates} dates; each at its own hour. */
  private static Fixture powerUsers(int p3Dates) {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-100));
    for (int i = 0; i < 20; i++) {
      f.active("p1", day(40 - i).plus(Duration.ofHours(9)));
      f.active("p2", day(40 - i).plus(Duration.ofHours(9)));
    }
    for (int i = 0; i < p3Dates; i++) {
      f.active("p3", day(40 - i).plus(Duration.ofHours(11)));
    }
    return f;
  }

  @Test
  void threeUsersActiveTwentyOfTwentyEightDatesAreEmergingPowerUsers() {
    SignalState s =
        require(
            powerUsers(20).evalOnly(day(40).plus(Duration.ofHours(12)), POWER_USER_EMERGENCE),
            POWER_USER_EMERGENCE);

    assertEquals(BigDecimal.valueOf(3), evidenceValue(s, "power_users"));
    assertEquals(day(40).plus(Duration.ofHours(11)), s.since()); // p3 reached 20 dates then
  }

  @Test
  void nineteenDatesDoNotMakeAPowerUser() {
    assertTrue(
        powerUsers(19)
            .evalOnly(day(40).plus(Duration.ofHours(12)), POWER_USER_EMERGENCE)
            .signals()
            .isEmpty());
  }

  @Test
  void theOldestDateLeavesAtMidnight() {
    // On date D the window is D-27..D: the dates day 21..40 stay complete until day 21 leaves at
    // day 49 00:00.
    Fixture f = powerUsers(20);

    assertTrue(
        signal(f.evalOnly(day(49).minusNanos(1), POWER_USER_EMERGENCE), POWER_USER_EMERGENCE)
            .isPresent());
    assertTrue(f.evalOnly(day(49), POWER_USER_EMERGENCE).signals().isEmpty());
  }
}
