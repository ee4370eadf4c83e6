package dev.headroom.signal.engine;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * UTC calendar arithmetic and binary searches over sorted instants, shared by the index and
 * conditions.
 */
final class Times {

  static final Instant[] NONE = new Instant[0];

  private Times() {}

  /** Number of elements {@code <= t} in an ascending array. */
  static int countAtOrBefore(Instant[] sorted, Instant t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid].compareTo(t) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Number of elements {@code < t} in an ascending array. */
  static int countBefore(Instant[] sorted, Instant t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid].compareTo(t) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Elements in the count window {@code (t − window, t]}: an element exactly one window old is out.
   */
  static int countInWindow(Instant[] sorted, Instant t, Duration window) {
    return countAtOrBefore(sorted, t) - countAtOrBefore(sorted, t.minus(window));
  }

  /** Elements in {@code (from, to]}. */
  static int countIn(Instant[] sorted, Instant fromExclusive, Instant toInclusive) {
    return countAtOrBefore(sorted, toInclusive) - countAtOrBefore(sorted, fromExclusive);
  }

  /** The UTC date as a day number; cheaper than a LocalDate in the per-fact loop. */
  static long epochDay(Instant t) {
    return Math.floorDiv(t.getEpochSecond(), 86_400L);
  }

  static Instant startOfDay(Instant t) {
    return t.truncatedTo(ChronoUnit.DAYS);
  }

  static LocalDate date(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  static Instant startOfMonth(Instant t) {
    return date(t).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static Instant previousMonthStart(Instant monthStart) {
    return date(monthStart).minusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  static Instant nextMonthStart(Instant monthStart) {
    return date(monthStart).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Exact length of a duration in seconds, for ratios between windows. */
  static BigDecimal seconds(Duration d) {
    return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
  }
}
