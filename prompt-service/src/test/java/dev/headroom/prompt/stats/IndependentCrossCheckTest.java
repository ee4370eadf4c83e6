package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.control;
import static dev.headroom.prompt.stats.Arms.onlyComparison;
import static dev.headroom.prompt.stats.Arms.treatment;

import java.util.List;
import java.util.SplittableRandom;
import org.hipparchus.stat.descriptive.StatisticalSummaryValues;
import org.hipparchus.stat.inference.ChiSquareTest;
import org.hipparchus.stat.inference.TTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A second, independent formulation: Hipparchus' textbook Welch t-test on the raw per-unit values
 * and its chi-square goodness-of-fit test, on simulated experiments.
 */
class IndependentCrossCheckTest {

  /** One simulated arm: every unit's revenue (0 when it did not convert). */
  private static double[] revenues(SplittableRandom random, int units, double conversionRate) {
    double[] values = new double[units];
    for (int i = 0; i < units; i++) {
      if (random.nextDouble() < conversionRate) {
        values[i] = 1_000 + random.nextInt(9_000) + random.nextDouble();
      }
    }
    return values;
  }

  private static Aggregates aggregates(double[] revenues) {
    long conversions = 0;
    double sum = 0;
    double sumOfSquares = 0;
    for (double revenue : revenues) {
      conversions += revenue > 0 ? 1 : 0;
      sum += revenue;
      sumOfSquares += revenue * revenue;
    }
    return new Aggregates(revenues.length, conversions, sum, sumOfSquares, 0);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void absoluteLiftPValuesEqualAWelchTestOnTheRawData(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] controlRevenues = revenues(random, 500 + random.nextInt(3_000), 0.08);
    double[] treatmentRevenues = revenues(random, 500 + random.nextInt(3_000), 0.10);
    Aggregates control = aggregates(controlRevenues);
    Aggregates treatment = aggregates(treatmentRevenues);
    ArmComparison comparison =
        onlyComparison(
            ExperimentAnalyzer.analyze(
                new ExperimentData(List.of(control(control), treatment("B", treatment)))));

    TTest welch = new TTest();
    assertMatches(
        welch.tTest(treatmentRevenues, controlRevenues),
        compared(comparison.revenuePerUnit()).absolute().fixedHorizon().pValue(),
        "revenue p-value");
    // Binomial variance p (1 - p), as gbstats, rather than the raw 0/1 sample variance.
    assertMatches(
        welch.tTest(binomialSummary(treatment), binomialSummary(control)),
        compared(comparison.conversion()).absolute().fixedHorizon().pValue(),
        "conversion p-value");
  }

  private static StatisticalSummaryValues binomialSummary(Aggregates aggregates) {
    double p = (double) aggregates.conversions() / aggregates.units();
    return new StatisticalSummaryValues(
        p, p * (1 - p), aggregates.units(), 1, 0, (double) aggregates.conversions());
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14})
  void sampleRatioPValuesEqualAChiSquareGoodnessOfFitTest(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] weights = {4_500, 4_500, 1_000};
    long[] units = {
      4_400 + random.nextInt(200), 4_400 + random.nextInt(200), 960 + random.nextInt(80)
    };
    SrmCheck srm =
        ExperimentAnalyzer.analyze(
                new ExperimentData(
                    List.of(
                        new ArmData("control", ArmRole.CONTROL, weights[0], unitsOnly(units[0])),
                        new ArmData("B", ArmRole.TREATMENT, weights[1], unitsOnly(units[1])),
                        new ArmData("holdout", ArmRole.HOLDOUT, weights[2], unitsOnly(units[2])))))
            .overall()
            .srm();
    ChiSquareTest goodnessOfFit = new ChiSquareTest();
    assertMatches(goodnessOfFit.chiSquare(weights, units), srm.chiSquare(), "chi-square");
    assertMatches(goodnessOfFit.chiSquareTest(weights, units), srm.pValue(), "p-value");
  }

  private static Aggregates unitsOnly(long units) {
    return new Aggregates(units, 0, 0, 0, 0);
  }
}
