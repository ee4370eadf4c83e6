package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.analyze;
import static dev.headroom.prompt.stats.Arms.assertInterval;
import static dev.headroom.prompt.stats.Arms.assertLift;
import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.conversions;
import static dev.headroom.prompt.stats.Arms.onlyComparison;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The conversion metric. Means, variances, degrees of freedom and standard errors are derived here
 * by plain arithmetic from the formulas; the distribution-dependent numbers (quantiles, p-values,
 * normal probabilities) are the reference script's constants (docs/experiment-statistics.md).
 */
class ConversionComparisonTest {

  @Test
  void clearWinnerIsSignificantWithTheNumbersGbstatsComputes() {
    ArmComparison comparison =
        onlyComparison(analyze(conversions(10_000, 500), conversions(10_000, 600)));
    MetricComparison.Compared conversion = compared(comparison.conversion());

    double pA = 500 / 10_000.0;
    double pB = 600 / 10_000.0;
    double errorA = pA * (1 - pA) / 10_000;
    double errorB = pB * (1 - pB) / 10_000;
    double dof =
        (errorA + errorB) * (errorA + errorB) / (errorB * errorB / 9_999 + errorA * errorA / 9_999);
    assertMatches(pA, conversion.controlMean(), "control rate");
    assertMatches(pB, conversion.treatmentMean(), "treatment rate");
    assertMatches(dof, conversion.degreesOfFreedom(), "Welch-Satterthwaite dof");
    assertMatches(19852.333235243816, conversion.degreesOfFreedom(), "dof (reference)");

    double relativeSe = Math.sqrt(errorB / (pA * pA) + errorA * pB * pB / Math.pow(pA, 4));
    assertMatches((pB - pA) / pA, conversion.relative().estimate(), "relative lift");
    assertMatches(relativeSe, conversion.relative().standardError(), "delta-method se");
    assertMatches(pB - pA, conversion.absolute().estimate(), "absolute lift");
    assertMatches(Math.sqrt(errorA + errorB), conversion.absolute().standardError(), "absolute se");

    assertLift(
        new Arms.Expected(
            0.1999999999999999,
            0.07065408693062276,
            0.061512090879949854,
            0.33848790912004995,
            0.004649400174422613,
            0.9976776330288537,
            0.06152053425541712,
            0.33847946574458265,
            0.20004848895255295,
            4.848895255306259e-05),
        conversion.relative(),
        "relative");
    assertLift(
        new Arms.Expected(
            0.009999999999999995,
            0.0032233522922572393,
            0.0036819603974168674,
            0.016318039602583122,
            0.0019225350207299208,
            0.9990400791265918,
            0.003682345597691178,
            0.016317654402308812,
            0.010000854105819867,
            8.541058198716085e-07),
        conversion.absolute(),
        "absolute");
    assertTrue(conversion.relative().fixedHorizon().interval().excludesZero());
    assertFalse(comparison.minimumDataWarning());
    assertEquals("B", comparison.armKey());
  }

  @Test
  void noDifferenceGivesPValueOneAndEvenOdds() {
    ArmComparison comparison =
        onlyComparison(analyze(conversions(5_000, 250), conversions(5_000, 250)));
    MetricComparison.Compared conversion = compared(comparison.conversion());

    // Identical arms: dof = (2e)^2 / (2 e^2 / (n - 1)) = 2 (n - 1).
    assertMatches(9_998, conversion.degreesOfFreedom(), "dof");
    double tQuantile = 1.9602012873568369; // t.ppf(0.975, 9998)
    double zQuantile = 1.959963984540054; // norm.ppf(0.975)
    double error = 0.05 * 0.95 / 5_000;
    double relativeSe = Math.sqrt(error / (0.05 * 0.05) + error * 0.05 * 0.05 / Math.pow(0.05, 4));
    double absoluteSe = Math.sqrt(2 * error);
    assertNoDifference(conversion.relative(), relativeSe, tQuantile, zQuantile);
    assertNoDifference(conversion.absolute(), absoluteSe, tQuantile, zQuantile);
  }

  private static void assertNoDifference(Lift lift, double se, double tQuantile, double zQuantile) {
    assertEquals(0, lift.estimate());
    assertMatches(se, lift.standardError(), "se");
    assertEquals(1, lift.fixedHorizon().pValue(), 1e-15);
    assertInterval(-tQuantile * se, tQuantile * se, lift.fixedHorizon().interval(), "ci");
    assertEquals(0.5, lift.bayesian().chanceToBeatControl(), 1e-15);
    assertInterval(-zQuantile * se, zQuantile * se, lift.bayesian().credibleInterval(), "cri");
    // E[max(0, X)] for X ~ N(0, se^2) is se / sqrt(2 pi), on both sides.
    assertMatches(se / Math.sqrt(2 * Math.PI), lift.bayesian().expectedLoss(), "loss");
    assertMatches(se / Math.sqrt(2 * Math.PI), lift.bayesian().controlExpectedLoss(), "loss");
    assertEquals(Optional.empty(), lift.sequential());
    assertEquals(Optional.empty(), lift.fixedHorizon().adjusted());
  }

  @Test
  void alphaSetsTheIntervalLevel() {
    AnalysisOptions ninety =
        new AnalysisOptions(0.10, SequentialOptions.off(), MinimumData.DEFAULT, 0.001);
    ArmComparison comparison =
        onlyComparison(
            ExperimentAnalyzer.analyze(
                new ExperimentData(
                    List.of(
                        Arms.control(conversions(10_000, 500)),
                        Arms.treatment("B", conversions(10_000, 600))),
                    ninety)));
    Lift relative = compared(comparison.conversion()).relative();
    double se = relative.standardError();
    double tQuantile = 1.6449303857218571; // t.ppf(0.95, 19852.333235243816)
    double zQuantile = 1.6448536269514722; // norm.ppf(0.95)
    assertInterval(
        0.2 - tQuantile * se, 0.2 + tQuantile * se, relative.fixedHorizon().interval(), "90% ci");
    assertInterval(
        0.2 - zQuantile * se,
        0.2 + zQuantile * se,
        relative.bayesian().credibleInterval(),
        "90% credible");
  }

  @Test
  void tinySampleIsComputedButCarriesTheMinimumDataWarning() {
    ArmComparison comparison = onlyComparison(analyze(conversions(30, 3), conversions(30, 5)));
    assertTrue(comparison.minimumDataWarning());
    MetricComparison.Compared conversion = compared(comparison.conversion());
    assertMatches(55.469395114035876, conversion.degreesOfFreedom(), "dof");
    assertLift(
        new Arms.Expected(
            0.6666666666666665,
            1.1385500851066221,
            -1.6146047766371638,
            2.947938109970497,
            0.5605594574945474,
            0.7209076752886713,
            -1.564850494737327,
            2.898183828070659,
            0.8632639327712276,
            0.19659726610440748),
        conversion.relative(),
        "relative");
    assertLift(
        new Arms.Expected(
            0.06666666666666665,
            0.08734775114237132,
            -0.10834884905325945,
            0.24168218238659275,
            0.4485585780617263,
            0.7773377077665402,
            -0.10453177970294855,
            0.2378651130362818,
            0.07786414932946087,
            0.011197482662794177),
        conversion.absolute(),
        "absolute");
  }

  @Test
  void minimumDataWarningStopsExactlyAtTheThresholds() {
    // Defaults: 100 units and 20 conversions in both arms.
    assertFalse(
        onlyComparison(analyze(conversions(100, 20), conversions(100, 25))).minimumDataWarning());
    assertTrue(
        onlyComparison(analyze(conversions(99, 20), conversions(100, 25))).minimumDataWarning());
    assertTrue(
        onlyComparison(analyze(conversions(100, 20), conversions(100, 19))).minimumDataWarning());
  }

  @Test
  void armSummariesCarryUnitsConversionsAndRates() {
    ExperimentResults results =
        analyze(new Aggregates(200, 30, 4_500, 250_000, 12), new Aggregates(0, 0, 0, 0, 0));
    ArmSummary control = results.overall().arms().get(0);
    assertEquals("control", control.armKey());
    assertEquals(ArmRole.CONTROL, control.role());
    assertEquals(200, control.units());
    assertEquals(30, control.conversions());
    assertEquals(0.15, control.conversionRate().orElseThrow(), 1e-15);
    assertEquals(22.5, control.revenuePerUnit().orElseThrow(), 1e-15);
    assertEquals(0.06, control.dismissRate().orElseThrow(), 1e-15);

    ArmSummary empty = results.overall().arms().get(1);
    assertEquals(ArmRole.TREATMENT, empty.role());
    assertTrue(empty.conversionRate().isEmpty(), "no rate without units");
    assertTrue(empty.revenuePerUnit().isEmpty());
    assertTrue(empty.dismissRate().isEmpty());
  }
}
