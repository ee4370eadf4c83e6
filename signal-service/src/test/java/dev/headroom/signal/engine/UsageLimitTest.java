package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.USAGE_LIMIT_APPROACHING;
import static dev.headroom.signal.engine.Fixture.at;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.evidenceValue;
import static dev.headroom.signal.engine.Fixture.require;
import static dev.headroom.signal.engine.Fixture.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.AccountMetrics.MeterValue;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UsageLimitTest {

  /** Team plan: api_calls limited to 100,000 a month. */
  private static Fixture team() {
    return new Fixture()
        .subscribe("core", "team", 10, at("2024-01-01T00:00:00Z"))
        .activated(at("2024-06-01T00:00:00Z"));
  }

  @Test
  void sumMeterAtNinetyFivePercentCarriesOverTheFirstOfTheMonth() {
    Fixture f =
        team()
            .meter("api_calls", 60_000, at("2025-02-10T00:00:00Z"))
            .meter("api_calls", 35_000, at("2025-02-20T00:00:00Z"));

    SignalState pending =
        require(
            f.evalOnly(at("2025-03-05T23:59:00Z"), USAGE_LIMIT_APPROACHING),
            USAGE_LIMIT_APPROACHING);
    assertEquals(Status.PENDING, pending.status());
    assertEquals(at("2025-02-20T00:00:00Z"), pending.since());

    SignalState active =
        require(
            f.evalOnly(at("2025-03-06T00:00:00Z"), USAGE_LIMIT_APPROACHING),
            USAGE_LIMIT_APPROACHING);
    assertEquals(Status.ACTIVE, active.status());
    assertEquals(at("2025-03-06T00:00:00Z"), active.since());
    assertEquals(BigDecimal.valueOf(95_000), evidenceValue(active, "meter.api_calls"));

    // March had no usage of its own, so on April 1st neither this month nor the last qualifies.
    assertTrue(
        signal(
                f.evalOnly(at("2025-03-31T23:59:59Z"), USAGE_LIMIT_APPROACHING),
                USAGE_LIMIT_APPROACHING)
            .isPresent());
    assertTrue(f.evalOnly(at("2025-04-01T00:00:00Z"), USAGE_LIMIT_APPROACHING).signals().isEmpty());
  }

  @Test
  void monthToDateOverTakesTheCarriedValue() {
    Fixture f =
        team()
            .meter("api_calls", 50_000, at("2025-02-10T00:00:00Z"))
            .meter("api_calls", 91_000, at("2025-03-03T00:00:00Z"));

    SignalState s =
        require(
            f.evalOnly(at("2025-03-10T00:00:00Z"), USAGE_LIMIT_APPROACHING),
            USAGE_LIMIT_APPROACHING);
    assertEquals(at("2025-03-03T00:00:00Z"), s.since());
    MeterValue api = f.evalOnly(at("2025-03-10T00:00:00Z")).metrics().meters().get(0);
    assertEquals(new MeterValue("api_calls", BigDecimal.valueOf(91_000), 100_000), api);
  }

  @Test
  void justUnderNinetyPercentDoesNotFire() {
    Fixture f = team().meter("api_calls", 89_999, at("2025-02-01T00:00:00Z"));

    assertTrue(f.evalOnly(at("2025-02-27T00:00:00Z"), USAGE_LIMIT_APPROACHING).signals().isEmpty());
    f.meter("api_calls", 1, at("2025-02-02T00:00:00Z"));
    assertEquals(
        at("2025-02-16T00:00:00Z"),
        require(
                f.evalOnly(at("2025-02-27T00:00:00Z"), USAGE_LIMIT_APPROACHING),
                USAGE_LIMIT_APPROACHING)
            .since());
  }

  @Test
  void lastMeterIsTheLatestGaugeWithoutMonthlyReset() {
    // storage_gb is limited to 100 on the team plan.
    Fixture f =
        team()
            .meter("storage_gb", 95, day(0))
            .meter("storage_gb", 50, day(3))
            .meter("storage_gb", 92, day(20)); // Jan 21; stays across Feb 1

    SignalState pending =
        require(f.evalOnly(day(33), USAGE_LIMIT_APPROACHING), USAGE_LIMIT_APPROACHING);
    assertEquals(Status.PENDING, pending.status());
    assertEquals(day(20), pending.since());
    SignalState active =
        require(f.evalOnly(day(34), USAGE_LIMIT_APPROACHING), USAGE_LIMIT_APPROACHING);
    assertEquals(Status.ACTIVE, active.status());
    assertEquals(day(34), active.since());
    assertEquals(BigDecimal.valueOf(92), evidenceValue(active, "meter.storage_gb"));
  }

  @Test
  void theRunContinuesWhileAnyMeterQualifies() {
    Fixture f =
        team()
            .meter("storage_gb", 95, day(0))
            .meter("api_calls", 95_000, day(5))
            .meter("storage_gb", 10, day(8));

    SignalState s = require(f.evalOnly(day(16), USAGE_LIMIT_APPROACHING), USAGE_LIMIT_APPROACHING);
    assertEquals(Status.ACTIVE, s.status());
    assertEquals(day(14), s.since());
  }

  @Test
  void anUpgradeRaisingTheLimitMidRunResolvesIt() {
    Fixture f =
        team().meter("api_calls", 95_000, day(0)).subscribe("core", "business", 10, day(10));

    assertEquals(
        Status.PENDING,
        require(f.evalOnly(day(9), USAGE_LIMIT_APPROACHING), USAGE_LIMIT_APPROACHING).status());
    assertTrue(f.evalOnly(day(15), USAGE_LIMIT_APPROACHING).signals().isEmpty());
  }

  @Test
  void meterWithoutLimitIsIgnored() {
    // The enterprise plan has no limits.
    Fixture f =
        new Fixture()
            .subscribe("core", "enterprise", 10, day(-10))
            .meter("api_calls", 10_000_000, day(0));

    assertTrue(f.evalOnly(day(20), USAGE_LIMIT_APPROACHING).signals().isEmpty());
    assertEquals(0, f.evalOnly(day(20)).metrics().meters().get(0).limit());
  }
}
