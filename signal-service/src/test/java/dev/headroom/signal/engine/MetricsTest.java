package dev.headroom.signal.engine;

import static dev.headroom.signal.engine.Fixture.day;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.signal.domain.AccountMetrics;
import dev.headroom.signal.domain.Role;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The usage snapshot that scoring and prompts read. */
class MetricsTest {

  @Test
  void aReAddIsNotANewUserAndAddedThenRemovedDoesNotCount() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-300))
            .added("back", day(-100))
            .removed("back", day(-50))
            .added("back", day(80))
            .added("gone", day(85))
            .removed("gone", day(88))
            .added("fresh", day(90));
    AccountMetrics m = f.evalOnly(day(100)).metrics();

    assertEquals(2, m.seatsUsed());
    assertEquals(1, m.newUsers30d());
    assertEquals(1, m.newUsers90d());
  }

  @Test
  void userRoleChangedNeverAddsAMember() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-300))
            .roleChanged("ghost", Role.ADMIN, "eng", day(1))
            .added("left", day(2))
            .removed("left", day(3))
            .roleChanged("left", Role.OWNER, null, day(4));
    AccountMetrics m = f.evalOnly(day(10)).metrics();

    assertEquals(0, m.seatsUsed());
    assertEquals(0, m.newUsers30d());
  }

  @Test
  void tiesOnOccurredAtResolveByEventIdNotListOrder() {
    Fixture f = new Fixture();
    // Same instant: e000000 (added) sorts before e000001 (removed), so the user ends removed.
    f.added("u", day(1)).removed("u", day(1));
    assertEquals(0, f.evalOnly(day(2)).metrics().seatsUsed());
    java.util.Collections.reverse(f.facts);
    assertEquals(0, f.evalOnly(day(2)).metrics().seatsUsed());
  }

  @Test
  void engagementRoundsHalfUpExactly() {
    // 8 members, 1 active in 7 days, 7 active dates: 60·1/8 + 40·7/28 = 7.5 + 10 = 17.5 → 18.
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-300)).members("u", 8, day(-50));
    for (int i = 0; i < 7; i++) {
      f.active("u0", day(100 - i));
    }
    AccountMetrics m = f.evalOnly(day(100).plus(Duration.ofHours(12))).metrics();

    assertEquals(1, m.activeUsers7d());
    assertEquals(7, m.activeDays28());
    assertEquals(18, m.engagementScore());
  }

  @Test
  void activeDatesAreTheLastTwentyEightUtcDatesWithTodayPartial() {
    Fixture f =
        new Fixture()
            .active("u", day(73).minusSeconds(1))
            .active("u", day(73))
            .active("u", day(100).plus(Duration.ofHours(20)));

    // At day 100 12:00 the dates are day 73..100: day 72 23:59:59 is out, today's 20:00 not yet.
    assertEquals(1, f.evalOnly(day(100).plus(Duration.ofHours(12))).metrics().activeDays28());
    assertEquals(2, f.evalOnly(day(100).plus(Duration.ofHours(21))).metrics().activeDays28());
    assertEquals(2, f.evalOnly(day(99).plus(Duration.ofHours(23))).metrics().activeDays28());
  }

  @Test
  void factsAfterTheEvaluationInstantAreIgnored() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-300))
            .added("a", day(1))
            .added("later", day(10).plusSeconds(1))
            .workflow("a", day(5))
            .workflow("a", day(10).plusSeconds(1));
    AccountMetrics m = f.evalOnly(day(10)).metrics();

    assertEquals(1, m.seatsUsed());
    assertEquals(1, m.workflowsCompleted30d());
    assertEquals(1, m.activeUsers30d());
  }
}
