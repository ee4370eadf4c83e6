/**
 * Experiment statistics: from per-arm aggregates (units, conversions, revenue sums, dismissals) to
 * per-variant results against control, computed the way GrowthBook's open-source stats engine
 * (gbstats) computes them. Pure functions over records: no proto, no database, no I/O.
 *
 * <p>Entry point: {@link dev.headroom.prompt.stats.ExperimentAnalyzer#analyze}. The formulas are
 * written out in {@code docs/experiment-statistics.md}.
 */
package dev.headroom.prompt.stats;
