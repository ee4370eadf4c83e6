package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.control;
import static dev.headroom.prompt.stats.Arms.conversions;
import static dev.headroom.prompt.stats.Arms.treatment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Input without a meaningful analysis is rejected with the field named. */
class ValidationTest {

  private static String rejectedField(List<ArmData> arms) {
    return rejectedField(new ExperimentData(arms));
  }

  private static String rejectedField(ExperimentData data) {
    return assertThrows(
            InvalidExperimentDataException.class, () -> ExperimentAnalyzer.analyze(data))
        .field();
  }

  private static List<ArmData> withTreatment(Aggregates treatment) {
    return List.of(control(conversions(100, 10)), treatment("B", treatment));
  }

  @Test
  void armsNeedExactlyOneControlAndDistinctKeys() {
    assertEquals("arms", rejectedField(List.of(control(conversions(100, 10)))));
    assertEquals(
        "arms",
        rejectedField(
            List.of(treatment("B", conversions(100, 10)), treatment("C", conversions(100, 10)))));
    assertEquals(
        "arms",
        rejectedField(
            List.of(
                control(conversions(100, 10)),
                new ArmData("H1", ArmRole.HOLDOUT, 1, conversions(10, 0)),
                new ArmData("H2", ArmRole.HOLDOUT, 1, conversions(10, 0)))));
    assertEquals(
        "arms[1].arm_key",
        rejectedField(
            List.of(control(conversions(100, 10)), treatment("control", conversions(100, 10)))));
    assertEquals(
        "arms[1].arm_key",
        rejectedField(List.of(control(conversions(100, 10)), treatment(" ", conversions(1, 0)))));
  }

  @Test
  void weightsArePositive() {
    assertEquals(
        "arms[1].intended_weight",
        rejectedField(
            List.of(
                control(conversions(100, 10)),
                new ArmData("B", ArmRole.TREATMENT, 0, conversions(100, 10)))));
    assertEquals(
        "arms[1].intended_weight",
        rejectedField(
            List.of(
                control(conversions(100, 10)),
                new ArmData("B", ArmRole.TREATMENT, Double.NaN, conversions(100, 10)))));
  }

  @Test
  void countsStayWithinUnits() {
    assertEquals("arms[1].totals.units", rejectedField(withTreatment(conversions(-1, 0))));
    assertEquals("arms[1].totals.conversions", rejectedField(withTreatment(conversions(10, 11))));
    assertEquals("arms[1].totals.conversions", rejectedField(withTreatment(conversions(10, -1))));
    assertEquals(
        "arms[1].totals.dismissals", rejectedField(withTreatment(new Aggregates(10, 1, 0, 0, 11))));
  }

  @Test
  void revenueSumsAreConsistent() {
    assertEquals(
        "arms[1].totals.revenue_sum",
        rejectedField(withTreatment(new Aggregates(10, 1, -5, 25, 0))));
    assertEquals(
        "arms[1].totals.revenue_sum", rejectedField(withTreatment(new Aggregates(0, 0, 5, 25, 0))));
    assertEquals(
        "arms[1].totals.revenue_sum_of_squares",
        rejectedField(withTreatment(new Aggregates(10, 1, 5, Double.POSITIVE_INFINITY, 0))));
    // Ten units summing to 100 need a sum of squares of at least 100^2 / 10 = 1000.
    assertEquals(
        "arms[1].totals.revenue_sum_of_squares",
        rejectedField(withTreatment(new Aggregates(10, 10, 100, 999, 0))));
  }

  @Test
  void surfaceAggregatesAreCheckedToo() {
    ArmData treatment =
        new ArmData(
            "B", ArmRole.TREATMENT, 1, conversions(100, 10), Map.of("HOME", conversions(5, 6)));
    assertEquals(
        "arms[1].by_surface[HOME].conversions",
        rejectedField(List.of(control(conversions(100, 10)), treatment)));
  }

  @Test
  void optionsAreInRange() {
    List<ArmData> arms = withTreatment(conversions(100, 10));
    assertEquals(
        "options.alpha",
        rejectedField(
            new ExperimentData(
                arms,
                new AnalysisOptions(1, SequentialOptions.off(), MinimumData.DEFAULT, 0.001))));
    assertEquals(
        "options.srm_threshold",
        rejectedField(
            new ExperimentData(
                arms, new AnalysisOptions(0.05, SequentialOptions.off(), MinimumData.DEFAULT, 0))));
    assertEquals(
        "options.sequential.tuning_parameter",
        rejectedField(new ExperimentData(arms, AnalysisOptions.DEFAULTS.withSequential(0))));
    AnalysisOptions sequentialOffWithoutTuning =
        new AnalysisOptions(0.05, new SequentialOptions(false, 0), MinimumData.DEFAULT, 0.001);
    assertEquals(
        1,
        ExperimentAnalyzer.analyze(new ExperimentData(arms, sequentialOffWithoutTuning))
            .overall()
            .comparisons()
            .size(),
        "the tuning parameter only matters when sequential inference is on");
    assertEquals(
        "options.minimum_data.units_per_arm",
        rejectedField(
            new ExperimentData(
                arms,
                new AnalysisOptions(
                    0.05, SequentialOptions.off(), new MinimumData(-1, 20), 0.001))));
  }
}
