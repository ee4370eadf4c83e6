package dev.headroom.prompt.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** Builders for experiment data and the gbstats agreement check shared by the stats tests. */
final class Arms {
  private Arms() {}

  /** Aggregates of a conversion-only arm. */
  static Aggregates conversions(long units, long conversions) {
    return new Aggregates(units, conversions, 0, 0, 0);
  }

  static ArmData control(Aggregates aggregates) {
    return new ArmData("control", ArmRole.CONTROL, 1, aggregates);
  }

  static ArmData treatment(String key, Aggregates aggregates) {
    return new ArmData(key, ArmRole.TREATMENT, 1, aggregates);
  }

  /** A control and one treatment "B", equal weights, default options. */
  static ExperimentResults analyze(Aggregates control, Aggregates treatment) {
    return ExperimentAnalyzer.analyze(
        new ExperimentData(List.of(control(control), treatment("B", treatment))));
  }

  /** The overall comparisons of the given arms analysed with the given options. */
  static List<ArmComparison> comparisons(AnalysisOptions options, ArmData... arms) {
    return ExperimentAnalyzer.analyze(new ExperimentData(List.of(arms), options))
        .overall()
        .comparisons();
  }

  /** The only comparison of an overall analysis. */
  static ArmComparison onlyComparison(ExperimentResults results) {
    List<ArmComparison> comparisons = results.overall().comparisons();
    assertEquals(1, comparisons.size());
    return comparisons.get(0);
  }

  static MetricComparison.Compared compared(MetricComparison comparison) {
    return assertInstanceOf(MetricComparison.Compared.class, comparison);
  }

  /**
   * The agreement the issue asks of every number against gbstats: within 1e-9 absolute or 1e-6
   * relative.
   */
  static void assertMatches(double expected, double actual, String what) {
    double difference = Math.abs(expected - actual);
    assertTrue(
        difference <= 1e-9 || difference <= 1e-6 * Math.abs(expected),
        () -> what + ": expected " + expected + " but was " + actual);
  }

  static void assertInterval(double lower, double upper, Interval actual, String what) {
    assertMatches(lower, actual.lower(), what + " lower");
    assertMatches(upper, actual.upper(), what + " upper");
  }

  /** gbstats' numbers for one lift, as computed by the reference script. */
  record Expected(
      double estimate,
      double standardError,
      double lower,
      double upper,
      double pValue,
      double chanceToBeatControl,
      double credibleLower,
      double credibleUpper,
      double controlLoss,
      double treatmentLoss) {}

  /** Every number of a lift against the reference values. */
  static void assertLift(Expected expected, Lift lift, String what) {
    assertMatches(expected.estimate(), lift.estimate(), what + " estimate");
    assertMatches(expected.standardError(), lift.standardError(), what + " standard error");
    assertInterval(expected.lower(), expected.upper(), lift.fixedHorizon().interval(), what);
    assertMatches(expected.pValue(), lift.fixedHorizon().pValue(), what + " p-value");
    BayesianResult bayesian = lift.bayesian();
    assertMatches(
        expected.chanceToBeatControl(), bayesian.chanceToBeatControl(), what + " chance to win");
    assertInterval(
        expected.credibleLower(),
        expected.credibleUpper(),
        bayesian.credibleInterval(),
        what + " credible");
    assertMatches(expected.controlLoss(), bayesian.controlExpectedLoss(), what + " control loss");
    assertMatches(expected.treatmentLoss(), bayesian.expectedLoss(), what + " expected loss");
  }
}
