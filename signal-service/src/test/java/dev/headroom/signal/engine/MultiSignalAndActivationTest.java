package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.MULTI_SIGNAL;
import static dev.headroom.signal.domain.SignalType.ORGANIZATIONAL_GROWTH;
import static dev.headroom.signal.domain.SignalType.PREMIUM_FEATURE_DEMAND;
import static dev.headroom.signal.domain.SignalType.SEAT_UTILIZATION_HIGH;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.require;
import static dev.headroom.signal.engine.Fixture.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.Evaluation;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiSignalAndActivationTest {

  /**
   * Funding at day 10 (ORGANIZATIONAL_GROWTH since day 10); the 5th premium attempt at {@code
   * fifth}.
   */
  private static Fixture twoSignals(Instant fifth) {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-100))
            .activated(day(-30))
            .external("FUNDING_ROUND", day(10));
    for (int i = 0; i < 4; i++) {
      f.featureUsed("u1", "sso", day(12));
    }
    return f.featureUsed("u1", "sso", fifth);
  }

  @Test
  void twoSignalsExactlySevenDaysApartAreAMultiSignalSinceTheLaterOne() {
    Evaluation e =
        twoSignals(day(17))
            .evalOnly(day(20), ORGANIZATIONAL_GROWTH, PREMIUM_FEATURE_DEMAND, MULTI_SIGNAL);
    SignalState multi = require(e, MULTI_SIGNAL);

    assertEquals(day(17), multi.since());
    assertEquals(Status.ACTIVE, multi.status());
    assertEquals(List.of(ORGANIZATIONAL_GROWTH, PREMIUM_FEATURE_DEMAND), multi.constituents());
  }

  @Test
  void twoSignalsMoreThanSevenDaysApartAreNot() {
    Evaluation e =
        twoSignals(day(17).plusSeconds(1))
            .evalOnly(day(20), ORGANIZATIONAL_GROWTH, PREMIUM_FEATURE_DEMAND, MULTI_SIGNAL);

    assertEquals(2, e.signals().size());
    assertTrue(signal(e, MULTI_SIGNAL).isEmpty());
  }

  @Test
  void aPendingSustainedSignalDoesNotCount() {
    // Funding on day 10; 8 of 10 seats from day 15, so seat utilization is pending until day 29.
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-100))
            .activated(day(-30))
            .external("FUNDING_ROUND", day(10))
            .members("u", 8, day(15));
    Evaluation pending =
        f.evalOnly(day(20), ORGANIZATIONAL_GROWTH, SEAT_UTILIZATION_HIGH, MULTI_SIGNAL);
    assertEquals(Status.PENDING, require(pending, SEAT_UTILIZATION_HIGH).status());
    assertTrue(signal(pending, MULTI_SIGNAL).isEmpty());

    // Premium demand fires on day 27; seat utilization becomes active on day 29: two days apart.
    for (int i = 0; i < 5; i++) {
      f.featureUsed("u1", "sso", day(27));
    }
    Evaluation active =
        f.evalOnly(
            day(31),
            ORGANIZATIONAL_GROWTH,
            PREMIUM_FEATURE_DEMAND,
            SEAT_UTILIZATION_HIGH,
            MULTI_SIGNAL);
    SignalState multi = require(active, MULTI_SIGNAL);
    assertEquals(day(29), multi.since());
    assertEquals(List.of(PREMIUM_FEATURE_DEMAND, SEAT_UTILIZATION_HIGH), multi.constituents());
  }

  @Test
  void notActivatedAccountsHaveSuppressedSignalsAndActivationDoesNotMoveSince() {
    Fixture f =
        new Fixture()
            .external("FUNDING_ROUND", day(10))
            .active("a", day(1))
            .active("b", day(2))
            .workflow("a", day(3));

    SignalState before = require(f.evalOnly(day(20), ORGANIZATIONAL_GROWTH), ORGANIZATIONAL_GROWTH);
    assertEquals(Status.SUPPRESSED, before.status());
    assertEquals(day(10), before.since());
    assertFalse(f.evalOnly(day(20)).metrics().activated());

    f.active("c", day(30)); // third distinct active user: activated at day 30
    Evaluation after = f.evalOnly(day(40), ORGANIZATIONAL_GROWTH);
    SignalState s = require(after, ORGANIZATIONAL_GROWTH);
    assertEquals(Status.ACTIVE, s.status());
    assertEquals(day(10), s.since());
    assertEquals(day(30), after.metrics().activatedAt());
  }

  @Test
  void activationNeedsAWorkflowAndNeverReverts() {
    Fixture noWorkflow = new Fixture().active("a", day(1)).active("b", day(2)).active("c", day(3));
    assertFalse(noWorkflow.evalOnly(day(10)).metrics().activated());
    assertNull(noWorkflow.evalOnly(day(10)).metrics().activatedAt());

    Fixture f = noWorkflow.workflow(null, day(4)).removed("a", day(5)).removed("b", day(5));
    // Long after every activity left every window, and with users removed, the account stays
    // activated.
    assertTrue(f.evalOnly(day(400)).metrics().activated());
    assertEquals(day(4), f.evalOnly(day(400)).metrics().activatedAt());
  }

  @Test
  void sustainedSignalsArePendingRegardlessOfActivation() {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-100)).members("u", 9, day(0));

    assertEquals(
        Status.PENDING,
        require(f.evalOnly(day(5), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).status());
    assertEquals(
        Status.SUPPRESSED,
        require(f.evalOnly(day(15), SEAT_UTILIZATION_HIGH), SEAT_UTILIZATION_HIGH).status());
  }
}
