package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.assertMatches;
import static dev.headroom.prompt.stats.Arms.compared;
import static dev.headroom.prompt.stats.Arms.control;
import static dev.headroom.prompt.stats.Arms.onlyComparison;
import static dev.headroom.prompt.stats.Arms.treatment;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The dismiss rate guards against a variant that annoys users into dismissing it. */
class GuardrailTest {

  private static Guardrail guardrail(long controlDismissals, long treatmentDismissals) {
    return guardrail(controlDismissals, treatmentDismissals, AnalysisOptions.DEFAULTS);
  }

  private static Guardrail guardrail(
      long controlDismissals, long treatmentDismissals, AnalysisOptions options) {
    List<ArmData> arms =
        List.of(
            control(new Aggregates(1_000, 60, 0, 0, controlDismissals)),
            treatment("B", new Aggregates(1_000, 60, 0, 0, treatmentDismissals)));
    return onlyComparison(ExperimentAnalyzer.analyze(new ExperimentData(arms, options)))
        .guardrail();
  }

  @Test
  void significantlyMoreDismissalsFlagTheVariant() {
    Guardrail guardrail = guardrail(100, 150);
    MetricComparison.Compared dismissRate = compared(guardrail.dismissRate());
    assertMatches(0.10, dismissRate.controlMean(), "control dismiss rate");
    assertMatches(0.15, dismissRate.treatmentMean(), "treatment dismiss rate");
    assertMatches(0.5, dismissRate.relative().estimate(), "relative lift");
    assertMatches(0.0059709156888168025, dismissRate.relative().fixedHorizon().pValue(), "p");
    assertTrue(guardrail.worseThanControl());
  }

  @Test
  void fewerDismissalsAreNotAFailure() {
    Guardrail guardrail = guardrail(100, 90);
    assertMatches(
        0.42164410456778656,
        compared(guardrail.dismissRate()).relative().fixedHorizon().pValue(),
        "p");
    assertFalse(guardrail.worseThanControl());
  }

  @Test
  void withSequentialInferenceTheAlwaysValidPValueDecides() {
    Guardrail guardrail = guardrail(100, 150, AnalysisOptions.DEFAULTS.withSequential(5_000));
    Lift relative = compared(guardrail.dismissRate()).relative();
    assertMatches(0.11463607389185593, relative.sequential().orElseThrow().pValue(), "seq p");
    assertTrue(relative.fixedHorizon().pValue() < 0.05, "significant at the fixed horizon");
    assertFalse(guardrail.worseThanControl(), "but not yet when peeking is accounted for");
  }
}
