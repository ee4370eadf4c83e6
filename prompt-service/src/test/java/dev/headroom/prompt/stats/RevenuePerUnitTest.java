package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.analyze;
import static dev.headroom.prompt.stats.Arms.assertLift;
import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.onlyComparison;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Revenue per unit: per-unit sample variance from the sum and the sum of squares. */
class RevenuePerUnitTest {

  @Test
  void revenuePerUnitIsComparedWithTheSampleVarianceOfPerUnitRevenue() {
    ExperimentResults results =
        analyze(
            new Aggregates(2_000, 400, 50_000, 9_000_000, 0),
            new Aggregates(2_000, 420, 58_000, 10_400_000, 0));
    assertEquals(25, results.overall().arms().get(0).revenuePerUnit().orElseThrow(), 1e-12);
    assertEquals(29, results.overall().arms().get(1).revenuePerUnit().orElseThrow(), 1e-12);

    MetricComparison.Compared revenue = compared(onlyComparison(results).revenuePerUnit());
    double varianceA = (9_000_000 - 50_000.0 * 50_000.0 / 2_000) / 1_999;
    double varianceB = (10_400_000 - 58_000.0 * 58_000.0 / 2_000) / 1_999;
    double errorA = varianceA / 2_000;
    double errorB = varianceB / 2_000;
    assertMatches(25, revenue.controlMean(), "control revenue per unit");
    assertMatches(29, revenue.treatmentMean(), "treatment revenue per unit");
    assertMatches(
        (errorA + errorB) * (errorA + errorB) / (errorA * errorA / 1_999 + errorB * errorB / 1_999),
        revenue.degreesOfFreedom(),
        "dof");
    assertMatches(3984.2338082576734, revenue.degreesOfFreedom(), "dof (reference)");
    assertMatches(
        Math.sqrt(errorB / (25.0 * 25.0) + errorA * 29.0 * 29.0 / Math.pow(25, 4)),
        revenue.relative().standardError(),
        "delta-method se");

    assertLift(
        new Arms.Expected(
            0.16,
            0.08753508551202654,
            -0.01161775022836628,
            0.33161775022836626,
            0.06764853843631191,
            0.9662131039009278,
            -0.01156561498720593,
            0.33156561498720594,
            0.16116469137401132,
            0.0011646913740112489),
        revenue.relative(),
        "relative");
    assertLift(
        new Arms.Expected(
            4.0,
            2.0295466315817636,
            0.020952914385774513,
            7.9790470856142255,
            0.04880631529857826,
            0.9756313994606542,
            0.022161697155160365,
            7.977838302844839,
            4.01862401602259,
            0.018624016022590062),
        revenue.absolute(),
        "absolute");
  }
}
