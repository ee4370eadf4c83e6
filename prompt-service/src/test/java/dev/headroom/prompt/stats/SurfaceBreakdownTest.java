package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.conversions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every surface gets the same analysis over that surface's aggregates. */
class SurfaceBreakdownTest {

  private static final ArmData CONTROL =
      new ArmData(
          "control",
          ArmRole.CONTROL,
          1,
          conversions(10_000, 500),
          Map.of(
              "HOME", conversions(4_000, 200),
              "FEATURE_USE", conversions(6_000, 300),
              "BILLING", conversions(300, 12)));
  private static final ArmData TREATMENT =
      new ArmData(
          "B",
          ArmRole.TREATMENT,
          1,
          conversions(10_000, 600),
          Map.of("FEATURE_USE", conversions(6_000, 420), "HOME", conversions(4_000, 180)));

  @Test
  void surfacesAreSortedAndEachIsAnalysedOnItsOwnAggregates() {
    ExperimentResults results =
        ExperimentAnalyzer.analyze(new ExperimentData(List.of(CONTROL, TREATMENT)));
    assertEquals(
        List.of("BILLING", "FEATURE_USE", "HOME"),
        results.bySurface().stream().map(SurfaceResults::surface).toList());

    AnalysisResults featureUse = results.bySurface().get(1).results();
    assertEquals(6_000, featureUse.arms().get(0).units());
    assertEquals(420, featureUse.arms().get(1).conversions());
    assertEquals(0, featureUse.srm().chiSquare(), "6000 against 6000 is the intended split");
    MetricComparison.Compared conversion = compared(featureUse.comparisons().get(0).conversion());
    assertMatches((0.07 - 0.05) / 0.05, conversion.relative().estimate(), "FEATURE_USE lift");

    AnalysisResults home = results.bySurface().get(2).results();
    assertMatches(
        (0.045 - 0.05) / 0.05,
        compared(home.comparisons().get(0).conversion()).relative().estimate(),
        "HOME lift");

    // The whole-experiment numbers are unchanged by the breakdown.
    assertMatches(
        0.2,
        compared(results.overall().comparisons().get(0).conversion()).relative().estimate(),
        "overall lift");
  }

  @Test
  void aSurfaceAnArmNeverReachedHasNoUnitsThere() {
    ExperimentResults results =
        ExperimentAnalyzer.analyze(new ExperimentData(List.of(CONTROL, TREATMENT)));
    AnalysisResults billing = results.bySurface().get(0).results();
    assertEquals(0, billing.arms().get(1).units());
    assertEquals(
        CannotCompareReason.NO_UNITS,
        assertInstanceOf(
                MetricComparison.CannotCompareYet.class, billing.comparisons().get(0).conversion())
            .reason());
    assertEquals(true, billing.srm().mismatch(), "300 against 0 units is a broken split");
  }

  @Test
  void withoutABreakdownThereAreNoSurfaces() {
    ExperimentResults results = Arms.analyze(conversions(1_000, 50), conversions(1_000, 60));
    assertEquals(List.of(), results.bySurface());
  }
}
