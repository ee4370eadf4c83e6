package dev.headroom.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulationClockTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void standsStillUntilMovedAndNeverGoesBack() {
    SimulationClock clock = new SimulationClock(START);
    assertEquals(START, clock.instant());
    clock.advanceTo(START.plus(Duration.ofDays(14)));
    assertEquals(START.plus(Duration.ofDays(14)), clock.instant());
    assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(START));
    assertEquals(START.plus(Duration.ofDays(14)), clock.instant());
  }

  @Test
  void followsRealTimeOnceReleasedWithoutGoingBack() {
    Instant future = Instant.now().plus(Duration.ofDays(1));
    SimulationClock ahead = new SimulationClock(future);
    ahead.release();
    assertEquals(future, ahead.instant(), "a clock ahead of real time waits for it");

    SimulationClock behind = new SimulationClock(START);
    behind.release();
    assertFalse(behind.instant().isBefore(Instant.now().minusSeconds(5)), "follows real time");
    assertThrows(IllegalStateException.class, () -> behind.advanceTo(Instant.now()));
  }
}
