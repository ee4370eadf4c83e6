package dev.headroom.prompt.stats;

/** A closed interval [lower, upper]. */
public record Interval(double lower, double upper) {

  /** Whether the interval lies wholly above or wholly below zero. */
  public boolean excludesZero() {
    return lower > 0 || upper < 0;
  }
}
