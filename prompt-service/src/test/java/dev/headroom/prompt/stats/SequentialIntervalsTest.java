package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.assertInterval;
import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.control;
import static dev.headroom.prompt.stats.Arms.conversions;
import static dev.headroom.prompt.stats.Arms.onlyComparison;
import static dev.headroom.prompt.stats.Arms.treatment;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Always-valid confidence sequences (Waudby-Smith et al.), as gbstats' sequential test. */
class SequentialIntervalsTest {

  private static MetricComparison.Compared conversion(AnalysisOptions options) {
    List<ArmData> arms =
        List.of(control(conversions(10_000, 500)), treatment("B", conversions(10_000, 600)));
    return compared(
        onlyComparison(ExperimentAnalyzer.analyze(new ExperimentData(arms, options))).conversion());
  }

  @Test
  void sequentialIntervalsMatchGbstatsAndAreWiderThanFixedOnes() {
    MetricComparison.Compared conversion =
        conversion(AnalysisOptions.DEFAULTS.withSequential(5_000));

    Lift relative = conversion.relative();
    Inference sequential = relative.sequential().orElseThrow();
    assertInterval(-0.02094339455011132, 0.4209433945501111, sequential.interval(), "relative");
    assertMatches(0.11769159228035832, sequential.pValue(), "relative p");
    Lift absolute = conversion.absolute();
    assertInterval(
        -7.979054320672412e-05,
        0.020079790543206716,
        absolute.sequential().orElseThrow().interval(),
        "absolute");
    assertMatches(0.05388058764066664, absolute.sequential().orElseThrow().pValue(), "abs p");

    for (Lift lift : List.of(relative, absolute)) {
      Interval fixed = lift.fixedHorizon().interval();
      Interval always = lift.sequential().orElseThrow().interval();
      assertTrue(always.lower() < fixed.lower() && always.upper() > fixed.upper());
      assertTrue(lift.sequential().orElseThrow().pValue() > lift.fixedHorizon().pValue());
      assertSame(lift.sequential().orElseThrow(), lift.reported());
    }
    // Fixed horizon says "winner"; the always-valid interval still contains zero.
    assertTrue(relative.fixedHorizon().interval().excludesZero());
    assertTrue(!sequential.interval().excludesZero());
  }

  @Test
  void theHalfWidthFollowsEquationNineOfWaudbySmith() {
    Lift relative = conversion(AnalysisOptions.DEFAULTS.withSequential(5_000)).relative();
    double n = 20_000;
    double alpha = 0.05;
    double rhoSquared = (-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / 5_000;
    double se = relative.standardError();
    double halfWidth =
        se
            * Math.sqrt(n)
            * Math.sqrt(
                2
                    * (n * rhoSquared + 1)
                    * Math.log(Math.sqrt(n * rhoSquared + 1) / alpha)
                    / (n * n * rhoSquared));
    Interval interval = relative.sequential().orElseThrow().interval();
    assertMatches(halfWidth, (interval.upper() - interval.lower()) / 2, "half-width");
  }

  @Test
  void offByDefault() {
    Lift relative = conversion(AnalysisOptions.DEFAULTS).relative();
    assertTrue(relative.sequential().isEmpty());
    assertSame(relative.fixedHorizon(), relative.reported());
  }
}
