package dev.headroom.scoring.domain.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SignalPerformanceCalculatorTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final SignalPerformanceCalculator calculator = new SignalPerformanceCalculator();
  private int outcomeIds;

  private static FiredSignal fired(
      String account,
      SignalType type,
      Instant since,
      ReadinessBand band,
      RecommendedMotion motion) {
    return new FiredSignal(
        account,
        type,
        since,
        OptionalInt.empty(),
        Optional.ofNullable(band),
        Optional.ofNullable(motion));
  }

  private static FiredSignal fired(String account, SignalType type) {
    return fired(account, type, T0, ReadinessBand.READY, RecommendedMotion.SELF_SERVE);
  }

  private OutcomeRecord won(String account, Instant at, long arr) {
    return new OutcomeRecord(
        "o-" + ++outcomeIds,
        account,
        OutcomeResult.WON,
        ExpansionType.SEAT_ADD,
        new Money("USD", arr),
        at,
        Optional.empty());
  }

  private OutcomeRecord lost(String account, Instant at) {
    return new OutcomeRecord(
        "o-" + ++outcomeIds,
        account,
        OutcomeResult.LOST,
        ExpansionType.SEAT_ADD,
        new Money("USD", 0),
        at,
        Optional.empty());
  }

  private static Instant days(double d) {
    return T0.plusSeconds(Math.round(d * 86_400));
  }

  @Test
  void convertedMeansAWonExpansionOfTheSameAccountWithinTheWindow() {
    List<FiredSignal> signals =
        List.of(
            fired("a", SignalType.SEAT_UTILIZATION_HIGH), // won at day 10
            fired("b", SignalType.SEAT_UTILIZATION_HIGH), // won exactly at day 90: inside
            fired("c", SignalType.SEAT_UTILIZATION_HIGH), // won 1 s after day 90: outside
            fired("d", SignalType.SEAT_UTILIZATION_HIGH), // won before the signal: not caused by it
            fired("e", SignalType.SEAT_UTILIZATION_HIGH), // lost
            fired("f", SignalType.SEAT_UTILIZATION_HIGH), // nothing
            fired("g", SignalType.SEAT_UTILIZATION_HIGH)); // won at the signal's instant
    List<OutcomeRecord> outcomes =
        List.of(
            won("a", days(10), 120_000),
            won("b", days(90), 60_000),
            won("c", days(90).plusSeconds(1), 1_000_000),
            won("d", days(-1), 1_000_000),
            lost("e", days(5)),
            won("zz", days(5), 1_000_000),
            won("g", T0, 30_001));

    List<SignalPerformance> rows =
        calculator.calculate(
            signals, outcomes, PerformanceQuery.allTime(PerformanceGrouping.SIGNAL_TYPE));

    assertEquals(1, rows.size());
    SignalPerformance row = rows.get(0);
    assertEquals(SignalType.SEAT_UTILIZATION_HIGH, row.signalType());
    assertEquals(7, row.fired());
    assertEquals(3, row.converted());
    assertEquals(3.0 / 7, row.conversionRate(), 1e-12);
    Statistics.Interval ci = Statistics.wilson95(3, 7);
    assertEquals(ci.low(), row.conversionRateLow());
    assertEquals(ci.high(), row.conversionRateHigh());
    assertEquals(10.0, row.medianDaysToExpansion(), 1e-9); // 0, 10, 90
    // (120,000 + 60,000 + 30,001) / 3 = 70,000.33 → 70,000 minor units
    assertEquals(Optional.of(new Money("USD", 70_000)), row.averageArrDelta());
  }

  @Test
  void aShorterWindowConvertsFewer() {
    List<FiredSignal> signals =
        List.of(fired("a", SignalType.TEAM_GROWTH), fired("b", SignalType.TEAM_GROWTH));
    List<OutcomeRecord> outcomes = List.of(won("a", days(10), 100), won("b", days(40), 100));

    SignalPerformance row =
        calculator
            .calculate(
                signals,
                outcomes,
                new PerformanceQuery(
                    Optional.empty(),
                    Optional.empty(),
                    Duration.ofDays(30),
                    PerformanceGrouping.SIGNAL_TYPE))
            .get(0);

    assertEquals(1, row.converted());
    assertEquals(10.0, row.medianDaysToExpansion(), 1e-9);
  }

  @Test
  void theFirstWinAfterTheSignalIsItsExpansion() {
    SignalPerformance row =
        calculator
            .calculate(
                List.of(fired("a", SignalType.TEAM_GROWTH)),
                List.of(won("a", days(30), 900), won("a", days(12.5), 300)),
                PerformanceQuery.allTime(PerformanceGrouping.SIGNAL_TYPE))
            .get(0);

    assertEquals(1, row.converted());
    assertEquals(12.5, row.medianDaysToExpansion(), 1e-9);
    assertEquals(Optional.of(new Money("USD", 300)), row.averageArrDelta());
  }

  @Test
  void medianOfAnEvenNumberOfConversionsAndNoneConverted() {
    List<FiredSignal> signals = new ArrayList<>();
    List<OutcomeRecord> outcomes = new ArrayList<>();
    double[] delays = {4, 30, 8, 60};
    for (int i = 0; i < delays.length; i++) {
      signals.add(fired("a" + i, SignalType.POWER_USER_EMERGENCE));
      outcomes.add(won("a" + i, days(delays[i]), 100));
    }
    signals.add(fired("x", SignalType.ORGANIZATIONAL_GROWTH));

    List<SignalPerformance> rows =
        calculator.calculate(
            signals, outcomes, PerformanceQuery.allTime(PerformanceGrouping.SIGNAL_TYPE));

    assertEquals(
        List.of(SignalType.POWER_USER_EMERGENCE, SignalType.ORGANIZATIONAL_GROWTH),
        rows.stream().map(SignalPerformance::signalType).toList());
    assertEquals(19.0, rows.get(0).medianDaysToExpansion(), 1e-9); // (8 + 30) / 2
    SignalPerformance none = rows.get(1);
    assertEquals(0, none.converted());
    assertEquals(0.0, none.conversionRate());
    assertEquals(0.0, none.medianDaysToExpansion());
    assertEquals(Optional.empty(), none.averageArrDelta());
    assertEquals(0.0, none.conversionRateLow(), 1e-12);
    assertEquals(0.7935, none.conversionRateHigh(), 1e-4); // Wilson 0 of 1
  }

  @Test
  void groupsByBandOrMotionAtFiring() {
    List<FiredSignal> signals =
        List.of(
            fired(
                "a",
                SignalType.SEAT_UTILIZATION_HIGH,
                T0,
                ReadinessBand.URGENT,
                RecommendedMotion.FIELD_SALES),
            fired(
                "b",
                SignalType.SEAT_UTILIZATION_HIGH,
                T0,
                ReadinessBand.READY,
                RecommendedMotion.SELF_SERVE),
            fired(
                "c",
                SignalType.SEAT_UTILIZATION_HIGH,
                T0,
                ReadinessBand.READY,
                RecommendedMotion.FIELD_SALES),
            fired("d", SignalType.PREMIUM_FEATURE_DEMAND, T0, null, null));
    List<OutcomeRecord> outcomes = List.of(won("a", days(1), 100), won("c", days(2), 100));

    List<SignalPerformance> byBand =
        calculator.calculate(signals, outcomes, PerformanceQuery.allTime(PerformanceGrouping.BAND));
    assertEquals(3, byBand.size());
    assertEquals(Optional.of(ReadinessBand.READY), byBand.get(0).band());
    assertEquals(2, byBand.get(0).fired());
    assertEquals(1, byBand.get(0).converted());
    assertEquals(Optional.of(ReadinessBand.URGENT), byBand.get(1).band());
    assertEquals(1, byBand.get(1).converted());
    assertEquals(SignalType.PREMIUM_FEATURE_DEMAND, byBand.get(2).signalType());
    assertEquals(Optional.empty(), byBand.get(2).band());

    List<SignalPerformance> byMotion =
        calculator.calculate(
            signals, outcomes, PerformanceQuery.allTime(PerformanceGrouping.MOTION));
    assertEquals(Optional.of(RecommendedMotion.SELF_SERVE), byMotion.get(0).motion());
    assertEquals(0, byMotion.get(0).converted());
    assertEquals(Optional.of(RecommendedMotion.FIELD_SALES), byMotion.get(1).motion());
    assertEquals(2, byMotion.get(1).fired());
    assertEquals(2, byMotion.get(1).converted());
    assertEquals(Optional.empty(), byMotion.get(1).band());
  }

  @Test
  void periodSelectsSignalsThatFiredInIt() {
    List<FiredSignal> signals =
        List.of(
            fired("a", SignalType.TEAM_GROWTH, days(0), null, null),
            fired("b", SignalType.TEAM_GROWTH, days(10), null, null),
            fired("c", SignalType.TEAM_GROWTH, days(20), null, null));
    PerformanceQuery q =
        new PerformanceQuery(
            Optional.of(days(0)),
            Optional.of(days(20)),
            PerformanceQuery.DEFAULT_CONVERSION_WINDOW,
            PerformanceGrouping.SIGNAL_TYPE);

    assertEquals(2, calculator.calculate(signals, List.of(), q).get(0).fired()); // [since, until)
  }

  @Test
  void theSameFiringReportedTwiceCountsOnce() {
    FiredSignal s = fired("a", SignalType.TEAM_GROWTH);
    assertEquals(
        1,
        calculator
            .calculate(
                List.of(s, s), List.of(), PerformanceQuery.allTime(PerformanceGrouping.SIGNAL_TYPE))
            .get(0)
            .fired());
  }

  @Test
  void mixedCurrenciesGiveNoAverage() {
    List<OutcomeRecord> outcomes =
        List.of(
            won("a", days(1), 100),
            new OutcomeRecord(
                "eur",
                "b",
                OutcomeResult.WON,
                ExpansionType.SEAT_ADD,
                new Money("EUR", 100),
                days(1),
                Optional.empty()));
    SignalPerformance row =
        calculator
            .calculate(
                List.of(fired("a", SignalType.TEAM_GROWTH), fired("b", SignalType.TEAM_GROWTH)),
                outcomes,
                PerformanceQuery.allTime(PerformanceGrouping.SIGNAL_TYPE))
            .get(0);

    assertEquals(2, row.converted());
    assertEquals(Optional.empty(), row.averageArrDelta());
  }

  @Test
  void badQueriesAreInvalidArguments() {
    DomainException.InvalidArgument e =
        assertThrows(
            DomainException.InvalidArgument.class,
            () ->
                new PerformanceQuery(
                    Optional.of(days(2)),
                    Optional.of(days(1)),
                    Duration.ZERO,
                    PerformanceGrouping.SIGNAL_TYPE));
    assertEquals(
        List.of("conversion_window", "since"),
        e.violations().stream().map(FieldViolation::field).toList());
  }
}
