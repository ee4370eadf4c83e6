package dev.headroom.scoring.domain.measures;

import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.SignalType;
import dev.headroom.scoring.domain.learning.FiredSignal;
import dev.headroom.scoring.domain.learning.OutcomeRecord;
import dev.headroom.scoring.domain.learning.Statistics;
import dev.headroom.scoring.domain.learning.WonExpansions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes the business measures of a period from the accounts' revenue history, the scores in
 * force at its start, the signals as they fired and the outcomes. Pure: the same inputs give the
 * same measures. The rules are docs/scoring.md "Business measures"; the ones that need care:
 *
 * <ul>
 *   <li>An account's first revenue point is its baseline (a new account is not expansion); each
 *       later point that takes effect in the period is compared with the one before it. A change of
 *       currency ends the old-currency revenue (churn of its ARR) and starts a new baseline:
 *       amounts are never converted.
 *   <li>Retention follows the accounts that paid at the period start, segmented by what they were
 *       then, up to their first change of currency.
 *   <li>The first signal of an expansion is the account's earliest signal that fired within the
 *       conversion window before it and after the account's previous won expansion.
 * </ul>
 */
public final class BusinessMeasuresCalculator {

  private static final Comparator<RevenuePoint> IN_EFFECT_ORDER =
      Comparator.comparing(RevenuePoint::effectiveAt).thenComparingLong(RevenuePoint::sequence);

  /**
   * @param revenue revenue points of any time; those at or after the period end are ignored
   * @param startingScores per account, the score in force at the period start (absent: none)
   * @param fired signals of any time; conversion counts those that fired in the period, time to
   *     expansion looks back one conversion window before it
   * @param outcomes outcomes of any time and result; WON ones are expansions
   */
  public BusinessMeasures calculate(
      MeasuresPeriod period,
      MeasuresRules rules,
      List<RevenuePoint> revenue,
      Map<String, StartingScore> startingScores,
      List<FiredSignal> fired,
      List<OutcomeRecord> outcomes) {
    Map<String, RevenueTotals> totals = new TreeMap<>();
    Map<RetentionKey, RetentionTotals> retention =
        new TreeMap<>(
            Comparator.comparing(RetentionKey::segment, Segment.ORDER)
                .thenComparing(RetentionKey::currency));
    for (List<RevenuePoint> points : byAccount(revenue, period).values()) {
      followAccount(points, period, rules, startingScores, totals, retention);
    }
    WonExpansions won = new WonExpansions(outcomes);
    return new BusinessMeasures(
        period,
        rules.conversionWindow(),
        totals.entrySet().stream().map(e -> e.getValue().row(e.getKey())).toList(),
        retention.entrySet().stream().map(e -> e.getValue().row(e.getKey())).toList(),
        conversion(period, rules, fired, won),
        timeToExpansion(period, rules.conversionWindow(), fired, outcomes, won));
  }

  private static Map<String, List<RevenuePoint>> byAccount(
      List<RevenuePoint> revenue, MeasuresPeriod period) {
    Map<String, List<RevenuePoint>> byAccount = new HashMap<>();
    for (RevenuePoint p : revenue) {
      if (p.effectiveAt().isBefore(period.to())) {
        byAccount.computeIfAbsent(p.accountId(), a -> new ArrayList<>()).add(p);
      }
    }
    byAccount.values().forEach(points -> points.sort(IN_EFFECT_ORDER));
    return byAccount;
  }

  private static void followAccount(
      List<RevenuePoint> points,
      MeasuresPeriod period,
      MeasuresRules rules,
      Map<String, StartingScore> startingScores,
      Map<String, RevenueTotals> totals,
      Map<RetentionKey, RetentionTotals> retention) {
    RevenuePoint atStart = null;
    RevenuePoint previous = null;
    List<Movement> movements = new ArrayList<>();
    for (RevenuePoint p : points) {
      totals.computeIfAbsent(p.arr().currency(), c -> new RevenueTotals());
      if (p.effectiveAt().isBefore(period.from())) {
        atStart = p;
      } else if (previous != null) {
        movement(previous, p)
            .ifPresent(
                m -> {
                  totals.computeIfAbsent(m.amount().currency(), c -> new RevenueTotals()).add(m);
                  movements.add(m);
                });
      }
      previous = p;
    }
    if (atStart == null || atStart.arr().minorUnits() == 0) {
      return;
    }
    String currency = atStart.arr().currency();
    List<Movement> retained = new ArrayList<>();
    for (Movement m : movements) {
      if (!m.amount().currency().equals(currency)) {
        break;
      }
      retained.add(m);
      if (m.endsCurrency()) {
        break;
      }
    }
    Optional<StartingScore> score = Optional.ofNullable(startingScores.get(atStart.accountId()));
    List<Segment> segments =
        List.of(
            new Segment.All(),
            new Segment.ByPlan(atStart.planOf(rules.coreProductKey()).orElse("")),
            new Segment.ByBand(score.map(StartingScore::band)),
            new Segment.ByMotion(score.map(StartingScore::motion)));
    for (Segment segment : segments) {
      retention
          .computeIfAbsent(new RetentionKey(segment, currency), k -> new RetentionTotals())
          .add(atStart.arr(), retained);
    }
  }

  /** What happened between two consecutive points of an account, if anything. */
  private static Optional<Movement> movement(RevenuePoint before, RevenuePoint after) {
    Money was = before.arr();
    Money is = after.arr();
    if (!was.currency().equals(is.currency())) {
      return was.isZero() ? Optional.empty() : Optional.of(new Movement(Kind.CHURN, was, true));
    }
    long delta = Math.subtractExact(is.minorUnits(), was.minorUnits());
    Money amount = new Money(was.currency(), Math.abs(delta));
    if (delta > 0) {
      return Optional.of(
          new Movement(
              after.addsProductTo(before) ? Kind.CROSS_SELL : Kind.UPGRADE, amount, false));
    }
    if (delta < 0) {
      return Optional.of(new Movement(is.isZero() ? Kind.CHURN : Kind.DOWNGRADE, amount, false));
    }
    return Optional.empty();
  }

  private static List<BusinessMeasures.Conversion> conversion(
      MeasuresPeriod period, MeasuresRules rules, List<FiredSignal> fired, WonExpansions won) {
    Map<Segment, long[]> counts = new TreeMap<>(Segment.ORDER);
    counts.put(new Segment.All(), new long[2]);
    Set<FiringKey> seen = new HashSet<>();
    for (FiredSignal s : fired) {
      if (!period.contains(s.since())
          || !seen.add(new FiringKey(s.accountId(), s.type(), s.since()))) {
        continue;
      }
      boolean converted =
          won.firstWithin(s.accountId(), s.since(), rules.conversionWindow()).isPresent();
      List<Segment> segments = new ArrayList<>();
      segments.add(new Segment.All());
      segments.add(new Segment.BySignalType(s.type()));
      if (s.score().isPresent()) {
        segments.add(rules.bucketOf(s.score().getAsInt()));
      }
      s.band().ifPresent(b -> segments.add(new Segment.ByBand(Optional.of(b))));
      s.motion().ifPresent(m -> segments.add(new Segment.ByMotion(Optional.of(m))));
      for (Segment segment : segments) {
        long[] c = counts.computeIfAbsent(segment, k -> new long[2]);
        c[0]++;
        if (converted) {
          c[1]++;
        }
      }
    }
    return counts.entrySet().stream()
        .map(e -> new BusinessMeasures.Conversion(e.getKey(), e.getValue()[0], e.getValue()[1]))
        .toList();
  }

  private static BusinessMeasures.TimeToExpansion timeToExpansion(
      MeasuresPeriod period,
      Duration window,
      List<FiredSignal> fired,
      List<OutcomeRecord> outcomes,
      WonExpansions won) {
    Map<String, List<Instant>> signalTimes = new HashMap<>();
    for (FiredSignal s : fired) {
      signalTimes.computeIfAbsent(s.accountId(), a -> new ArrayList<>()).add(s.since());
    }
    List<Double> days = new ArrayList<>();
    long withoutSignal = 0;
    for (OutcomeRecord o : outcomes) {
      if (!o.won() || !period.contains(o.occurredAt())) {
        continue;
      }
      Instant earliest = o.occurredAt().minus(window);
      Optional<Instant> previousWin = won.previous(o).map(OutcomeRecord::occurredAt);
      Optional<Instant> first =
          signalTimes.getOrDefault(o.accountId(), List.of()).stream()
              .filter(t -> !t.isBefore(earliest) && !t.isAfter(o.occurredAt()))
              .filter(t -> previousWin.map(t::isAfter).orElse(true))
              .min(Comparator.naturalOrder());
      if (first.isPresent()) {
        days.add(Statistics.days(Duration.between(first.get(), o.occurredAt())));
      } else {
        withoutSignal++;
      }
    }
    return new BusinessMeasures.TimeToExpansion(
        days.size(), withoutSignal, Statistics.median(days));
  }

  private enum Kind {
    UPGRADE,
    CROSS_SELL,
    DOWNGRADE,
    CHURN
  }

  /**
   * @param amount the ARR change, positive
   * @param endsCurrency a change of currency: the account's revenue in the old one ended
   */
  private record Movement(Kind kind, Money amount, boolean endsCurrency) {}

  private record FiringKey(String accountId, SignalType type, Instant since) {}

  private record RetentionKey(Segment segment, String currency) {}

  private static final class RevenueTotals {
    final Map<Kind, Long> sums = new EnumMap<>(Kind.class);
    final Map<Kind, Long> counts = new EnumMap<>(Kind.class);

    void add(Movement m) {
      sums.merge(m.kind(), m.amount().minorUnits(), Math::addExact);
      counts.merge(m.kind(), 1L, Math::addExact);
    }

    BusinessMeasures.ExpansionRevenue row(String currency) {
      return new BusinessMeasures.ExpansionRevenue(
          currency,
          sum(currency, Kind.UPGRADE),
          sum(currency, Kind.CROSS_SELL),
          sum(currency, Kind.DOWNGRADE),
          sum(currency, Kind.CHURN),
          counts.getOrDefault(Kind.UPGRADE, 0L),
          counts.getOrDefault(Kind.CROSS_SELL, 0L),
          counts.getOrDefault(Kind.DOWNGRADE, 0L),
          counts.getOrDefault(Kind.CHURN, 0L));
    }

    private Money sum(String currency, Kind kind) {
      return new Money(currency, sums.getOrDefault(kind, 0L));
    }
  }

  private static final class RetentionTotals {
    long accounts;
    long starting;
    long expansion;
    long contraction;
    long churn;

    void add(Money startingArr, List<Movement> movements) {
      accounts++;
      starting = Math.addExact(starting, startingArr.minorUnits());
      for (Movement m : movements) {
        long amount = m.amount().minorUnits();
        switch (m.kind()) {
          case UPGRADE, CROSS_SELL -> expansion = Math.addExact(expansion, amount);
          case DOWNGRADE -> contraction = Math.addExact(contraction, amount);
          case CHURN -> churn = Math.addExact(churn, amount);
        }
      }
    }

    BusinessMeasures.Retention row(RetentionKey key) {
      String c = key.currency();
      return new BusinessMeasures.Retention(
          key.segment(),
          c,
          accounts,
          new Money(c, starting),
          new Money(c, expansion),
          new Money(c, contraction),
          new Money(c, churn));
    }
  }
}
