package dev.headroom.scoring.domain.learning;

import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Signal-to-expansion conversion: of the signals that fired, how many were followed by a won
 * expansion of the same account within the conversion window, how fast, and for how much.
 *
 * <p>Rules: a fired signal converts when the account has a WON outcome (of any expansion type: a
 * seat signal that ends in a tier upgrade still led to an expansion) with {@code since ≤
 * occurred_at ≤ since + window}; both ends are inclusive, so an outcome at the very instant the
 * signal fired, or exactly 90 days later, counts. The earliest such outcome is the signal's
 * expansion: it gives the days to expansion and the ARR delta. One outcome may convert several
 * signals (it answers "did this signal precede an expansion", not "which signal caused it"). The
 * same (account, type, since) reported twice counts once.
 */
public final class SignalPerformanceCalculator {
  public List<SignalPerformance> calculate(
      List<FiredSignal> fired, List<OutcomeRecord> outcomes, PerformanceQuery query) {
    WonExpansions won = new WonExpansions(outcomes);
    Set<FiringKey> seen = new LinkedHashSet<>();
    Map<GroupKey, Accumulator> groups = new TreeMap<>();
    for (FiredSignal s : fired) {
      if (!query.includes(s.since())
          || !seen.add(new FiringKey(s.accountId(), s.type(), s.since()))) {
        continue;
      }
      GroupKey key =
          new GroupKey(
              s.type(),
              query.grouping() == PerformanceGrouping.BAND ? s.band() : Optional.empty(),
              query.grouping() == PerformanceGrouping.MOTION ? s.motion() : Optional.empty());
      Accumulator acc = groups.computeIfAbsent(key, k -> new Accumulator());
      acc.fired++;
      won.firstWithin(s.accountId(), s.since(), query.conversionWindow())
          .ifPresent(o -> acc.convert(o, Duration.between(s.since(), o.occurredAt())));
    }
    List<SignalPerformance> rows = new ArrayList<>();
    groups.forEach((key, acc) -> rows.add(acc.row(key)));
    return rows;
  }

  private record FiringKey(String accountId, SignalType type, Instant since) {}

  /** Rows come out by signal type, then band or motion in their declared order, unknown last. */
  private record GroupKey(
      SignalType type, Optional<ReadinessBand> band, Optional<RecommendedMotion> motion)
      implements Comparable<GroupKey> {
    @Override
    public int compareTo(GroupKey o) {
      int c = type.compareTo(o.type);
      if (c != 0) {
        return c;
      }
      c =
          Integer.compare(
              band.map(Enum::ordinal).orElse(Integer.MAX_VALUE),
              o.band.map(Enum::ordinal).orElse(Integer.MAX_VALUE));
      if (c != 0) {
        return c;
      }
      return Integer.compare(
          motion.map(Enum::ordinal).orElse(Integer.MAX_VALUE),
          o.motion.map(Enum::ordinal).orElse(Integer.MAX_VALUE));
    }
  }

  private static final class Accumulator {
    long fired;
    final List<Double> days = new ArrayList<>();
    final List<Money> arrDeltas = new ArrayList<>();

    void convert(OutcomeRecord outcome, Duration toExpansion) {
      days.add(Statistics.days(toExpansion));
      arrDeltas.add(outcome.arrDelta());
    }

    SignalPerformance row(GroupKey key) {
      long converted = days.size();
      Statistics.Interval ci = Statistics.wilson95(converted, fired);
      return new SignalPerformance(
          key.type(),
          key.band(),
          key.motion(),
          fired,
          converted,
          (double) converted / fired,
          ci.low(),
          ci.high(),
          Statistics.median(days),
          averageArr());
    }

    /**
     * Integer mean in minor units, {@link Math#floorDiv} (won deltas are not negative, so this
     * truncates: 3 converted worth 100, 100, 101 average 100). No currency conversion: mixed
     * currencies give no average.
     */
    Optional<Money> averageArr() {
      if (arrDeltas.isEmpty()) {
        return Optional.empty();
      }
      String currency = arrDeltas.get(0).currency();
      long sum = 0;
      for (Money m : arrDeltas) {
        if (!m.currency().equals(currency)) {
          return Optional.empty();
        }
        sum = Math.addExact(sum, m.minorUnits());
      }
      return Optional.of(new Money(currency, Math.floorDiv(sum, (long) arrDeltas.size())));
    }
  }
}
