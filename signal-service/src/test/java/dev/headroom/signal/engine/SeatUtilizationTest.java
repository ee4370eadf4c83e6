package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.SEAT_UTILIZATION_HIGH;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.evidenceValue;
import static dev.headroom.signal.engine.Fixture.require;
import static dev.headroom.signal.engine.Fixture.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SeatUtilizationTest {

  /** 8 of 10 seats from day 0, activated long before. */
  private static Fixture eightOfTen() {
    return new Fixture()
        .subscribe("core", "team", 10, day(-100))
        .activated(day(-50))
        .members("u", 8, day(0));
  }

  @Test
  void eightyPercentSustainedExactlyFourteenDaysIsActiveSinceRunStartPlusFourteenDays() {
    SignalState s =
        require(eightOfTen().evalOnly(day(14), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);

    assertEquals(Status.ACTIVE, s.status());
    assertEquals(day(14), s.since());
    assertEquals(0, new BigDecimal("0.80").compareTo(evidenceValue(s, "seat_utilization")));
    assertEquals(BigDecimal.valueOf(8), evidenceValue(s, "seats_used"));
    assertEquals(BigDecimal.valueOf(10), evidenceValue(s, "seats_purchased"));
  }

  @Test
  void thirteenDaysIsPendingWithSinceAtRunStart() {
    SignalState s =
        require(
            eightOfTen().evalOnly(day(14).minusSeconds(60), SEAT_UTILIZATION_HIGH),
            SEAT_UTILIZATION_HIGH);

    assertEquals(Status.PENDING, s.status());
    assertEquals(day(0), s.since());
    assertEquals(
        Status.PENDING,
        require(eightOfTen().evalOnly(day(13), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH)
            .status());
  }

  @Test
  void seventyNinePercentNeverFiresWhileEightyDoes() {
    Fixture seventyNine =
        new Fixture().subscribe("core", "team", 100, day(-100)).members("u", 79, day(0));
    Fixture eighty =
        new Fixture().subscribe("core", "team", 100, day(-100)).members("u", 80, day(0));

    assertTrue(
        signal(seventyNine.evalOnly(day(60), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH)
            .isEmpty());
    SignalState s = require(eighty.evalOnly(day(60), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);
    assertEquals(day(14), s.since());
    assertEquals(Status.SUPPRESSED, s.status()); // never activated
  }

  @Test
  void aOneMinuteDipRestartsTheRun() {
    Fixture f = eightOfTen().removed("u3", day(5)).added("u3", day(5).plusSeconds(60));

    SignalState pending =
        require(f.evalOnly(day(14), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);
    assertEquals(Status.PENDING, pending.status());
    assertEquals(day(5).plusSeconds(60), pending.since());

    SignalState active =
        require(f.evalOnly(day(19).plusSeconds(60), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);
    assertEquals(Status.ACTIVE, active.status());
    assertEquals(day(19).plusSeconds(60), active.since());
  }

  @Test
  void subscriptionRaisingCapacityMidRunResolvesTheSignal() {
    Fixture f = eightOfTen().subscribe("core", "team", 12, day(7));

    assertTrue(signal(f.evalOnly(day(14), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).isEmpty());
    // Before the change the run was under way.
    assertEquals(
        Status.PENDING,
        require(f.evalOnly(day(7).minusSeconds(1), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH)
            .status());
  }

  @Test
  void planChangeKeepingUtilizationDoesNotRestartTheRun() {
    Fixture f = eightOfTen().subscribe("core", "business", 10, day(7));

    SignalState s = require(f.evalOnly(day(14), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);
    assertEquals(Status.ACTIVE, s.status());
    assertEquals(day(14), s.since());
  }

  @Test
  void reducingCapacityMidRunStartsTheRunAtTheChange() {
    // 6 of 10 (60%) until day 3, when the account drops to 7 purchased seats (86%).
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-100))
            .members("u", 6, day(0))
            .subscribe("core", "team", 7, day(3));

    SignalState s = require(f.evalOnly(day(20), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);
    assertEquals(day(17), s.since());
  }

  @Test
  void capacityIsTheLargerOfPurchasedAndIncludedSeats() {
    // The free plan includes 3 seats; 0 purchased.
    Fixture f = new Fixture().subscribe("core", "free", 0, day(-100)).members("u", 3, day(0));

    SignalState s = require(f.evalOnly(day(20), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH);
    assertEquals(BigDecimal.valueOf(3), evidenceValue(s, "seats_purchased"));
    assertEquals(3, f.evalOnly(day(20)).metrics().seatsPurchased());
  }

  @Test
  void noCoreSubscriptionMeansNoCapacityAndNoSignal() {
    Fixture f =
        new Fixture().subscribe("analytics", "analytics_pro", 5, day(-100)).members("u", 5, day(0));

    assertTrue(f.evalOnly(day(30), SEAT_UTILIZATION_HIGH).signals().isEmpty());
    assertEquals(0, f.evalOnly(day(30)).metrics().seatsPurchased());
  }

  @Test
  void customThresholdAndSustainComeFromTheRule() {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-100)).members("u", 5, day(0));
    var rule =
        Fixture.with(
            SEAT_UTILIZATION_HIGH,
            java.util.Map.of("utilization", new BigDecimal("0.5")),
            java.util.Map.of("sustain", Duration.ofDays(2)));

    SignalState s =
        require(
            f.eval(java.util.Map.of(SEAT_UTILIZATION_HIGH, rule), day(3)), SEAT_UTILIZATION_HIGH);
    assertEquals(day(2), s.since());
    assertTrue(signal(f.evalOnly(day(3), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).isEmpty());
  }
}
