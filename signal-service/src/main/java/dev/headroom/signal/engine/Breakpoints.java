package dev.headroom.signal.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Candidate instants in {@code (from, to]} at which a condition may change value. A superset is
 * always correct (the condition is merely evaluated again); a missing instant would be a bug, so
 * each condition adds every source its value depends on. Only instants inside the search range are
 * kept, which bounds the walk.
 */
final class Breakpoints {

  private final Instant from;
  private final Instant to;
  private final List<Instant> points = new ArrayList<>();

  Breakpoints(Instant fromExclusive, Instant toInclusive) {
    this.from = fromExclusive;
    this.to = toInclusive;
  }

  Breakpoints add(Instant t) {
    if (t != null && t.isAfter(from) && !t.isAfter(to)) {
      points.add(t);
    }
    return this;
  }

  /** Adds each {@code t}: an event changes counts the instant it occurs. */
  Breakpoints addAll(Instant[] sorted) {
    return addShifted(sorted, Duration.ZERO);
  }

  /** Adds each {@code t + shift}: an event leaves a window of that length exactly then. */
  Breakpoints addShifted(Instant[] sorted, Duration shift) {
    int lo = Times.countAtOrBefore(sorted, from.minus(shift));
    int hi = Times.countAtOrBefore(sorted, to.minus(shift));
    for (int i = lo; i < hi; i++) {
      points.add(sorted[i].plus(shift));
    }
    return this;
  }

  /** Every UTC midnight in range: calendar-date windows move then. */
  Breakpoints addMidnights() {
    for (Instant d = Times.startOfDay(from).plus(Duration.ofDays(1));
        !d.isAfter(to);
        d = d.plus(Duration.ofDays(1))) {
      add(d);
    }
    return this;
  }

  /** Every UTC month start in range: monthly meters roll over then. */
  Breakpoints addMonthStarts() {
    for (Instant m = Times.nextMonthStart(Times.startOfMonth(from));
        !m.isAfter(to);
        m = Times.nextMonthStart(m)) {
      add(m);
    }
    return this;
  }

  /** Ascending, without duplicates. */
  Instant[] sorted() {
    Instant[] all = points.toArray(Times.NONE);
    Arrays.sort(all);
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      if (n == 0 || !all[i].equals(all[n - 1])) {
        all[n++] = all[i];
      }
    }
    return Arrays.copyOf(all, n);
  }
}
