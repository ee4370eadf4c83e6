package dev.headroom.signal.engine;

import java.time.Instant;

/**
 * Finds s, the start of the maximal interval ending at T on which a condition holds without
 * interruption.
 *
 * <p>C is right-continuous and constant between consecutive candidate instants p₀ < … < pₖ ≤ T, so
 * C(pᵢ) is its value on [pᵢ, pᵢ₊₁). Walking the candidates backward from T and stopping at the
 * first pᵢ where C is false gives s = pᵢ₊₁. Cost: O(b log b) to collect and sort the b candidates
 * in the horizon plus one evaluation per candidate actually walked (usually few: the walk stops at
 * the first false instant); each evaluation is O(log n) or O(users · log n) thanks to {@link
 * FactIndex}.
 *
 * <p>The walk is bounded by the horizon H = T − {@link EngineSettings#sinceHorizon()}: if C also
 * holds at H the run started at or before H and s is reported as H (a clamp, documented on the
 * signal's since).
 */
final class RunFinder {

  private RunFinder() {}

  /** Requires C(T) to hold. */
  static Instant runStart(Condition condition, FactIndex index, Instant t, Instant horizon) {
    Breakpoints breakpoints = new Breakpoints(horizon, t);
    condition.addBreakpoints(index, breakpoints);
    Instant[] points = breakpoints.sorted();
    // C holds on [points[last], T] because nothing can change in between.
    for (int i = points.length - 1; i > 0; i--) {
      if (!condition.holds(index, points[i - 1])) {
        return points[i];
      }
    }
    if (points.length == 0 || condition.holds(index, horizon)) {
      return horizon;
    }
    return points[0];
  }
}
