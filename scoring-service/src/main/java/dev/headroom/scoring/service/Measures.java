package dev.headroom.scoring.service;

import dev.headroom.kit.validation.Limits;
import dev.headroom.scoring.db.MeasuresDao;
import dev.headroom.scoring.db.SignalOutcomeDao;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.learning.FiredSignal;
import dev.headroom.scoring.domain.learning.OutcomeRecord;
import dev.headroom.scoring.domain.measures.BusinessMeasures;
import dev.headroom.scoring.domain.measures.BusinessMeasuresCalculator;
import dev.headroom.scoring.domain.measures.MeasuresPeriod;
import dev.headroom.scoring.domain.measures.MeasuresRules;
import dev.headroom.scoring.domain.measures.RevenuePoint;
import dev.headroom.scoring.domain.measures.StartingScore;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The business measures of a period, read in one repeatable-read snapshot of the database so the
 * revenue, scores, signals and outcomes they combine are consistent with each other.
 */
public final class Measures {

  /**
   * @param maxPeriod the longest period one request may ask for: it bounds the history one request
   *     reads
   */
  public record Settings(Duration maxPeriod, MeasuresRules rules) {}

  private final Jdbi jdbi;
  private final Settings settings;

  public Measures(Jdbi jdbi, Settings settings) {
    this.jdbi = jdbi;
    this.settings = settings;
  }

  /** INVALID_ARGUMENT when from is not before to, or the period is longer than the maximum. */
  public BusinessMeasures of(Instant from, Instant to) {
    MeasuresPeriod period = MeasuresPeriod.requested(from, to, settings.maxPeriod());
    Duration window = settings.rules().conversionWindow();
    OffsetDateTime lookBack = clamped(period.from().minus(window));
    OffsetDateTime lookAhead = clamped(period.to().plus(window));
    return jdbi.inTransaction(
        TransactionIsolationLevel.REPEATABLE_READ,
        h -> {
          MeasuresDao measures = h.attach(MeasuresDao.class);
          SignalOutcomeDao signals = h.attach(SignalOutcomeDao.class);
          List<RevenuePoint> revenue =
              measures.revenue(ScoreRows.utc(period.from()), ScoreRows.utc(period.to())).stream()
                  .map(Measures::revenuePoint)
                  .toList();
          Map<String, StartingScore> startingScores = new HashMap<>();
          for (MeasuresDao.ScoreSegmentRow r : measures.scoresAt(ScoreRows.utc(period.from()))) {
            startingScores.put(
                r.accountId(),
                new StartingScore(
                    ReadinessBand.valueOf(r.band()), RecommendedMotion.valueOf(r.motion())));
          }
          List<FiredSignal> fired =
              signals.fired(lookBack, ScoreRows.utc(period.to())).stream()
                  .map(Outcomes::firedSignal)
                  .toList();
          List<OutcomeRecord> won =
              signals.wonBetween(lookBack, lookAhead).stream()
                  .map(r -> RecordedOutcome.of(r).report().toRecord(Optional.empty()))
                  .toList();
          return new BusinessMeasuresCalculator()
              .calculate(period, settings.rules(), revenue, startingScores, fired, won);
        });
  }

  private static RevenuePoint revenuePoint(MeasuresDao.RevenueRow r) {
    Map<String, String> plans = new HashMap<>();
    for (int i = 0; i < r.productKeys().size(); i++) {
      plans.put(r.productKeys().get(i), r.planKeys().get(i));
    }
    return new RevenuePoint(
        r.accountId(),
        r.upstreamCursor(),
        r.effectiveAt().toInstant(),
        new Money(r.currency(), r.arrMinor()),
        plans);
  }

  /** Within protobuf's timestamp range, which the database and its driver store exactly. */
  private static OffsetDateTime clamped(Instant t) {
    if (t.isBefore(Limits.MIN_TIMESTAMP)) {
      return ScoreRows.utc(Limits.MIN_TIMESTAMP);
    }
    return ScoreRows.utc(t.isAfter(Limits.MAX_TIMESTAMP) ? Limits.MAX_TIMESTAMP : t);
  }
}
