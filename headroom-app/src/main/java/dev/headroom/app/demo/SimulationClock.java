package dev.headroom.app.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time every service of the demo's platform reads. While the simulation runs it stands still at
 * the simulated instant and moves only when the simulation moves it, so a 14-day sustain window or
 * a 90-day attribution window elapses in seconds. Once released it follows the real clock (never
 * going back), so the platform left running after the report keeps working in real time.
 */
public final class SimulationClock extends Clock {
  private volatile Instant simulated;
  private volatile boolean released;

  public SimulationClock(Instant start) {
    this.simulated = start;
  }

  /**
   * Moves simulated time forward.
   *
   * @throws IllegalArgumentException when {@code instant} lies before the current simulated time
   */
  public synchronized void advanceTo(Instant instant) {
    if (released) {
      throw new IllegalStateException("the clock follows real time since it was released");
    }
    if (instant.isBefore(simulated)) {
      throw new IllegalArgumentException(
          "simulated time only moves forward: " + instant + " is before " + simulated);
    }
    simulated = instant;
  }

  /** From now on the clock follows the system clock, never reading earlier than it last did. */
  public synchronized void release() {
    released = true;
  }

  @Override
  public Instant instant() {
    Instant at = simulated;
    if (!released) {
      return at;
    }
    Instant real = Instant.now();
    return real.isAfter(at) ? real : at;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
