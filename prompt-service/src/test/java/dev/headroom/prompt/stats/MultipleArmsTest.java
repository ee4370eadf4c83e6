package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.control;
import static dev.headroom.prompt.stats.Arms.conversions;
import static dev.headroom.prompt.stats.Arms.treatment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Three variants against one control: Holm and Benjamini-Hochberg adjusted p-values. */
class MultipleArmsTest {
  // gbstats' two-sided relative-lift p-values of 4000/200 (control) against each treatment.
  private static final double P_230 = 0.16557926974560222;
  private static final double P_260 = 0.011556118937647186;
  private static final double P_205 = 0.8011554365333393;
  // ... and of the absolute lift.
  private static final double P_ABS_230 = 0.1369340083773034;
  private static final double P_ABS_260 = 0.003948692076220839;
  private static final double P_ABS_205 = 0.7987363764148543;

  private static List<ArmComparison> threeVariants() {
    return Arms.comparisons(
        AnalysisOptions.DEFAULTS,
        control(conversions(4_000, 200)),
        treatment("B", conversions(4_000, 230)),
        treatment("C", conversions(4_000, 260)),
        treatment("D", conversions(4_000, 205)));
  }

  @Test
  void rawPValuesAreEachArmAgainstControl() {
    List<ArmComparison> comparisons = threeVariants();
    assertEquals(List.of("B", "C", "D"), comparisons.stream().map(ArmComparison::armKey).toList());
    double[] expected = {P_230, P_260, P_205};
    for (int i = 0; i < 3; i++) {
      assertMatches(
          expected[i],
          compared(comparisons.get(i).conversion()).relative().fixedHorizon().pValue(),
          "raw p " + i);
    }
  }

  @Test
  void holmMultipliesTheKthSmallestByMMinusKPlusOneAndKeepsThemMonotone() {
    List<ArmComparison> comparisons = threeVariants();
    // Sorted: P_260 < P_230 < P_205; multipliers 3, 2, 1; running maximum.
    double holm260 = 3 * P_260;
    double holm230 = Math.max(holm260, 2 * P_230);
    double holm205 = Math.max(holm230, P_205);
    assertMatches(holm230, relativeAdjusted(comparisons.get(0)).holm(), "B");
    assertMatches(holm260, relativeAdjusted(comparisons.get(1)).holm(), "C");
    assertMatches(holm205, relativeAdjusted(comparisons.get(2)).holm(), "D");
  }

  @Test
  void benjaminiHochbergScalesByMOverRankWithARunningMinimumFromTheTop() {
    List<ArmComparison> comparisons = threeVariants();
    double bh205 = Math.min(1, 3 * P_205 / 3);
    double bh230 = Math.min(bh205, 3 * P_230 / 2);
    double bh260 = Math.min(bh230, 3 * P_260 / 1);
    assertMatches(bh230, relativeAdjusted(comparisons.get(0)).benjaminiHochberg(), "B");
    assertMatches(bh260, relativeAdjusted(comparisons.get(1)).benjaminiHochberg(), "C");
    assertMatches(bh205, relativeAdjusted(comparisons.get(2)).benjaminiHochberg(), "D");
  }

  @Test
  void theAbsoluteLiftIsItsOwnFamily() {
    List<ArmComparison> comparisons = threeVariants();
    AdjustedPValues b =
        compared(comparisons.get(0).conversion())
            .absolute()
            .fixedHorizon()
            .adjusted()
            .orElseThrow();
    assertMatches(Math.max(3 * P_ABS_260, 2 * P_ABS_230), b.holm(), "holm B");
    assertMatches(
        Math.min(P_ABS_205, 3 * P_ABS_230 / 2), b.benjaminiHochberg(), "benjamini-hochberg B");
  }

  @Test
  void anArmThatCannotBeComparedLeavesTheFamilyAndAPairNeedsNoAdjustment() {
    List<ArmComparison> comparisons =
        Arms.comparisons(
            AnalysisOptions.DEFAULTS,
            control(conversions(4_000, 200)),
            treatment("B", conversions(4_000, 230)),
            treatment("C", conversions(4_000, 260)),
            treatment("E", conversions(0, 0)));
    assertInstanceOf(MetricComparison.CannotCompareYet.class, comparisons.get(2).conversion());
    // Family of two: Holm = (2 P_260, max(2 P_260, P_230)), BH = (min(2 P_260, 2 P_230 / 2) ...).
    assertMatches(2 * P_260, relativeAdjusted(comparisons.get(1)).holm(), "holm C");
    assertMatches(
        Math.max(2 * P_260, P_230), relativeAdjusted(comparisons.get(0)).holm(), "holm B");
    assertMatches(P_230, relativeAdjusted(comparisons.get(0)).benjaminiHochberg(), "bh B");
    assertMatches(
        Math.min(P_230, 2 * P_260), relativeAdjusted(comparisons.get(1)).benjaminiHochberg(), "C");

    ArmComparison single =
        Arms.onlyComparison(Arms.analyze(conversions(4_000, 200), conversions(4_000, 230)));
    assertTrue(compared(single.conversion()).relative().fixedHorizon().adjusted().isEmpty());
  }

  @Test
  void sequentialPValuesAreAdjustedAsTheirOwnFamily() {
    List<ArmComparison> comparisons =
        Arms.comparisons(
            AnalysisOptions.DEFAULTS.withSequential(5_000),
            control(conversions(4_000, 200)),
            treatment("B", conversions(4_000, 230)),
            treatment("C", conversions(4_000, 260)));
    Inference b = compared(comparisons.get(0).conversion()).relative().sequential().orElseThrow();
    Inference c = compared(comparisons.get(1).conversion()).relative().sequential().orElseThrow();
    assertTrue(b.pValue() > c.pValue(), "the smaller lift has the larger p-value");
    double smaller = c.pValue();
    double larger = b.pValue();
    AdjustedPValues adjustedB = b.adjusted().orElseThrow();
    assertMatches(Math.min(1, Math.max(2 * smaller, larger)), adjustedB.holm(), "holm");
    assertMatches(larger, adjustedB.benjaminiHochberg(), "bh of the larger p-value");
  }

  @Test
  void adjustedPValuesNeverExceedOne() {
    double[] p = {0.9, 0.8, 0.95};
    for (double adjusted : PValueAdjustment.holm(p)) {
      assertTrue(adjusted <= 1);
    }
    assertEquals(1, PValueAdjustment.holm(p)[2]);
    // BH: the largest stays itself (m / m), the others take the running minimum of m p / rank.
    double[] bh = PValueAdjustment.benjaminiHochberg(p);
    assertMatches(0.95, bh[2], "largest");
    assertMatches(Math.min(0.95, 3 * 0.9 / 2), bh[0], "middle");
    assertMatches(Math.min(bh[0], 3 * 0.8 / 1), bh[1], "smallest");
  }

  private static AdjustedPValues relativeAdjusted(ArmComparison comparison) {
    return compared(comparison.conversion()).relative().fixedHorizon().adjusted().orElseThrow();
  }
}
