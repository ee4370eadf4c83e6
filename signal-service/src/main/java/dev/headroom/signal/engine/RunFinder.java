package dev.headroom.signal.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * Finds s, the start of the maximal interval ending at T on which a condition holds without
 * interruption. There is no horizon: a run that started years ago reports that start, and it does
 * not move while the condition keeps holding.
 *
 * <p>C is right-continuous and constant between consecutive candidate instants, so C(p) is its
 * value from p up to the next candidate. Walking the candidates backward from T and stopping at the
 * first p where C is false gives s = the candidate after p. Candidates are collected in windows
 * going back from T that double in length (a short run costs a short window; a long one at most
 * about twice its own candidates), until the walk finds a false instant or reaches the floor: the
 * end of a run an earlier evaluation already established ({@link KnownRun}), or else the account's
 * first record, before which nothing can change.
 */
final class RunFinder {

  /** The first window; most runs that end at T are shorter. */
  static final Duration FIRST_WINDOW = Duration.ofDays(32);

  /**
   * A run established earlier on the same history: C held on [start, heldUntil) and not just before
   * start.
   */
  record KnownRun(Instant start, Instant heldUntil) {}

  private RunFinder() {}

  /**
   * Requires C(T) to hold.
   *
   * @param known null, or a run established on the same facts before {@code known.heldUntil()} (no
   *     later than T), the same account data, catalog and rule
   */
  static Instant runStart(Condition condition, FactIndex index, Instant t, KnownRun known) {
    Instant floor = known != null ? known.heldUntil() : index.origin();
    if (floor.isAfter(t)) {
      floor = t;
    }
    Instant earliest = t; // C holds on [earliest, T]
    Duration window = FIRST_WINDOW;
    while (true) {
      Instant lo = t.minus(window).isAfter(floor) ? t.minus(window) : floor;
      Breakpoints breakpoints = new Breakpoints(lo, earliest);
      condition.addBreakpoints(index, breakpoints);
      Instant[] points = breakpoints.sorted();
      for (int i = points.length - 1; i >= 0; i--) {
        // No candidate lies strictly between points[i] and earliest, so C(points[i]) is C there.
        if (points[i].equals(earliest)) {
          continue;
        }
        if (!condition.holds(index, points[i])) {
          return earliest;
        }
        earliest = points[i];
      }
      // No candidate in (lo, earliest): C(lo) is C on [lo, earliest).
      if (!condition.holds(index, lo)) {
        return earliest;
      }
      if (lo.equals(floor)) {
        return known != null ? known.start() : floor;
      }
      earliest = lo;
      window = window.multipliedBy(2);
    }
  }
}
