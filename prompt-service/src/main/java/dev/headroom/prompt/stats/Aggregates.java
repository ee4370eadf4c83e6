package dev.headroom.prompt.stats;

/**
 * Per-unit sums for one arm (or one arm on one surface).
 *
 * @param units exposed units (accounts or users, the experiment's unit of randomization)
 * @param conversions units that converted (each unit counts at most once)
 * @param revenueSum sum over units of each unit's attributed revenue (minor units of one currency)
 * @param revenueSumOfSquares sum over units of the square of each unit's revenue
 * @param dismissals units that dismissed the prompt at least once (the guardrail metric)
 */
public record Aggregates(
    long units, long conversions, double revenueSum, double revenueSumOfSquares, long dismissals) {

  /** An arm with nothing recorded (for example on a surface it was never shown on). */
  public static final Aggregates NONE = new Aggregates(0, 0, 0, 0, 0);
}
