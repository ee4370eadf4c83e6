package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.conversions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Chi-square goodness of fit of units against intended weights, holdout included. */
class SampleRatioMismatchTest {

  /** 1000 and 1200 units where the design splits 50/50. */
  private static final List<ArmData> UNEVEN_SPLIT =
      List.of(
          new ArmData("control", ArmRole.CONTROL, 50, conversions(1_000, 50)),
          new ArmData("B", ArmRole.TREATMENT, 50, conversions(1_200, 60)));

  /** A 45/45/10 design (control, treatment, holdout) with the given units. */
  private static List<ArmData> withHoldout(long control, long treatment, long holdout) {
    return List.of(
        new ArmData("control", ArmRole.CONTROL, 4_500, conversions(control, 200)),
        new ArmData("B", ArmRole.TREATMENT, 4_500, conversions(treatment, 200)),
        new ArmData("holdout", ArmRole.HOLDOUT, 1_000, conversions(holdout, 30)));
  }

  private static SrmCheck srm(List<ArmData> arms) {
    return srm(arms, AnalysisOptions.DEFAULTS);
  }

  private static SrmCheck srm(List<ArmData> arms, AnalysisOptions options) {
    return ExperimentAnalyzer.analyze(new ExperimentData(arms, options)).overall().srm();
  }

  @Test
  void anUnevenSplitOfAnEvenDesignIsFlagged() {
    SrmCheck srm = srm(UNEVEN_SPLIT);
    // Expected 1100 each: 2 * 100^2 / 1100.
    assertMatches(2 * 100.0 * 100.0 / 1_100, srm.chiSquare(), "chi-square");
    assertEquals(1, srm.degreesOfFreedom());
    assertMatches(2.007865612426481e-05, srm.pValue(), "p-value (chi2.sf(x, 1))");
    assertTrue(srm.mismatch());
  }

  @Test
  void theHoldoutIsPartOfTheCheck() {
    SrmCheck healthy = srm(withHoldout(4_500, 4_480, 1_020));
    // Expected 4500, 4500, 1000 of 10000 units.
    double expectedChiSquare = 0 + 20.0 * 20.0 / 4_500 + 20.0 * 20.0 / 1_000;
    assertMatches(expectedChiSquare, healthy.chiSquare(), "chi-square");
    assertEquals(2, healthy.degreesOfFreedom());
    assertMatches(0.7831394949065555, healthy.pValue(), "p-value");
    assertFalse(healthy.mismatch());

    SrmCheck holdoutShort = srm(withHoldout(4_500, 4_500, 700));
    assertMatches(83.50515463917526, holdoutShort.chiSquare(), "chi-square");
    assertEquals(7.363530073443366e-19, holdoutShort.pValue(), 1e-6 * 7.363530073443366e-19);
    assertTrue(holdoutShort.mismatch(), "a holdout starved of units breaks the split");
  }

  @Test
  void theHoldoutIsSummarisedButNotCompared() {
    AnalysisResults results =
        ExperimentAnalyzer.analyze(new ExperimentData(withHoldout(4_500, 4_480, 1_020))).overall();
    assertEquals(3, results.arms().size());
    assertEquals(ArmRole.HOLDOUT, results.arms().get(2).role());
    assertEquals(List.of("B"), results.comparisons().stream().map(ArmComparison::armKey).toList());
  }

  @Test
  void noUnitsAtAllIsNoMismatch() {
    SrmCheck srm =
        srm(
            List.of(
                new ArmData("control", ArmRole.CONTROL, 1, conversions(0, 0)),
                new ArmData("B", ArmRole.TREATMENT, 1, conversions(0, 0))));
    assertEquals(1, srm.pValue());
    assertFalse(srm.mismatch());
  }

  @Test
  void theThresholdIsAnOption() {
    AnalysisOptions strict =
        new AnalysisOptions(0.05, SequentialOptions.off(), MinimumData.DEFAULT, 1e-5);
    assertFalse(srm(UNEVEN_SPLIT, strict).mismatch(), "p = 2.0e-5 is not below 1e-5");
  }
}
