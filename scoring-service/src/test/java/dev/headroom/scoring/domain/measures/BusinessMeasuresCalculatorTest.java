package dev.headroom.scoring.domain.measures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.headroom.kit.error.DomainException;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.SignalType;
import dev.headroom.scoring.domain.learning.FiredSignal;
import dev.headroom.scoring.domain.learning.OutcomeRecord;
import dev.headroom.scoring.domain.learning.OutcomeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The edge rules of the business measures, on exact instants. */
class BusinessMeasuresCalculatorTest {
  private static final Instant FROM = Instant.parse("2026-04-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-05-01T00:00:00Z");
  private static final MeasuresPeriod PERIOD = new MeasuresPeriod(FROM, TO);
  private static final MeasuresRules RULES = new MeasuresRules(Duration.ofDays(90), 10, "core");
  private final BusinessMeasuresCalculator calculator = new BusinessMeasuresCalculator();
  private long sequence;

  private RevenuePoint point(String account, Instant at, String currency, long arr) {
    return new RevenuePoint(
        account, ++sequence, at, new Money(currency, arr), Map.of("core", "pro"));
  }

  private static FiredSignal fired(String account, Instant since, int score) {
    return new FiredSignal(
        account,
        SignalType.SEAT_UTILIZATION_HIGH,
        since,
        OptionalInt.of(score),
        Optional.empty(),
        Optional.empty());
  }

  private static OutcomeRecord won(String id, String account, Instant at) {
    return new OutcomeRecord(
        id,
        account,
        OutcomeResult.WON,
        ExpansionType.SEAT_ADD,
        new Money("USD", 1),
        at,
        Optional.empty());
  }

  private BusinessMeasures measure(
      List<RevenuePoint> revenue, List<FiredSignal> fired, List<OutcomeRecord> outcomes) {
    return calculator.calculate(PERIOD, RULES, revenue, Map.of(), fired, outcomes);
  }

  @Test
  void aChangeOfCurrencyChurnsTheOldRevenueAndStartsANewBaseline() {
    BusinessMeasures m =
        measure(
            List.of(
                point("a", FROM.minusSeconds(1), "USD", 1_000),
                point("a", FROM.plusSeconds(10), "EUR", 900),
                point("a", FROM.plusSeconds(20), "EUR", 1_200)),
            List.of(),
            List.of());

    BusinessMeasures.ExpansionRevenue eur = m.expansionRevenue().get(0);
    BusinessMeasures.ExpansionRevenue usd = m.expansionRevenue().get(1);
    assertEquals("EUR", eur.currency());
    assertEquals(new Money("EUR", 300), eur.upgrades());
    assertEquals(new Money("USD", 1_000), usd.churn());
    assertEquals(new Money("USD", -1_000), usd.netExpansion());
    // The cohort follows the USD revenue only: it ended; the EUR upgrade is not its expansion.
    BusinessMeasures.Retention all = m.retention().get(0);
    assertEquals(new Segment.All(), all.segment());
    assertEquals(new Money("USD", 0), all.endingArr());
    assertEquals(new Money("USD", 0), all.expansion());
    assertEquals(0.0, all.netRevenueRetention());
  }

  @Test
  void theStartIsInsideThePeriodAndTheEndOutside() {
    BusinessMeasures m =
        measure(
            List.of(
                point("a", FROM.minusSeconds(60), "USD", 1_000),
                point("a", FROM, "USD", 1_500),
                point("a", TO, "USD", 9_000)),
            List.of(fired("a", FROM, 50), fired("b", TO, 50)),
            List.of());
    assertEquals(new Money("USD", 500), m.expansionRevenue().get(0).upgrades());
    assertEquals(new Money("USD", 1_000), m.retention().get(0).startingArr());
    assertEquals(1.5, m.retention().get(0).netRevenueRetention());
    assertEquals(1, m.conversion().get(0).signals());
  }

  @Test
  void aSignalConvertsUntilTheLastInstantOfItsWindowAndCountsOnce() {
    Instant since = FROM.plus(Duration.ofDays(1));
    BusinessMeasures m =
        measure(
            List.of(),
            List.of(fired("a", since, 75), fired("a", since, 75), fired("b", since, 75)),
            List.of(
                won("w1", "a", since.plus(Duration.ofDays(90))),
                won("w2", "b", since.plus(Duration.ofDays(90)).plusNanos(1))));
    BusinessMeasures.Conversion all = m.conversion().get(0);
    assertEquals(2, all.signals());
    assertEquals(1, all.converted());
    assertEquals(0.5, all.rate());
  }

  @Test
  void scoreBucketsAreTenWideAndTheLastReaches100() {
    assertEquals(new Segment.ByScore(0, 9), RULES.bucketOf(9));
    assertEquals(new Segment.ByScore(10, 19), RULES.bucketOf(10));
    assertEquals(new Segment.ByScore(90, 100), RULES.bucketOf(99));
    assertEquals(new Segment.ByScore(90, 100), RULES.bucketOf(100));
    MeasuresRules sevens = new MeasuresRules(Duration.ofDays(90), 7, "core");
    assertEquals(new Segment.ByScore(98, 100), sevens.bucketOf(100));
    assertEquals(new Segment.ByScore(91, 97), sevens.bucketOf(97));
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoInFractionalDays() {
    BusinessMeasures uneven =
        measure(
            List.of(),
            List.of(
                fired("a", FROM.minus(Duration.ofHours(12)), 50),
                fired("b", FROM.minus(Duration.ofDays(3)), 50)),
            List.of(won("wa", "a", FROM), won("wb", "b", FROM)));
    // 0.5 and 3 days (fractional days of 24 hours)
    assertEquals(2, uneven.timeToExpansion().expansions());
    assertEquals(1.75, uneven.timeToExpansion().medianDays(), 1e-12);
  }

  @Test
  void aRequestedPeriodIsOrderedAndBounded() {
    Duration max = Duration.ofDays(400);
    assertEquals(
        "from",
        assertThrows(
                DomainException.InvalidArgument.class,
                () -> MeasuresPeriod.requested(TO, FROM, max))
            .violations()
            .get(0)
            .field());
    assertEquals(
        "to",
        assertThrows(
                DomainException.InvalidArgument.class,
                () -> MeasuresPeriod.requested(FROM, FROM.plus(Duration.ofDays(401)), max))
            .violations()
            .get(0)
            .field());
    assertEquals(FROM.plus(max), MeasuresPeriod.requested(FROM, FROM.plus(max), max).to());
  }
}
