package dev.headroom.prompt.stats;

import static dev.headroom.prompt.stats.Arms.analyze;
import static dev.headroom.prompt.stats.Arms.conversions;
import static dev.headroom.prompt.stats.Arms.onlyComparison;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

/** Undefined comparisons get a named state, never NaN or a made-up number. */
class CannotCompareYetTest {

  private static CannotCompareReason conversionReason(Aggregates control, Aggregates treatment) {
    return reason(onlyComparison(analyze(control, treatment)).conversion());
  }

  private static CannotCompareReason reason(MetricComparison comparison) {
    return assertInstanceOf(MetricComparison.CannotCompareYet.class, comparison).reason();
  }

  @Test
  void controlWithoutConversionsIsAZeroBaseline() {
    assertEquals(
        CannotCompareReason.ZERO_BASELINE,
        conversionReason(conversions(1_000, 0), conversions(1_000, 40)));
  }

  @Test
  void treatmentWithoutConversionsHasZeroVariance() {
    assertEquals(
        CannotCompareReason.ZERO_VARIANCE,
        conversionReason(conversions(1_000, 40), conversions(1_000, 0)));
  }

  @Test
  void everyUnitConvertingHasZeroVariance() {
    assertEquals(
        CannotCompareReason.ZERO_VARIANCE,
        conversionReason(conversions(1_000, 40), conversions(50, 50)));
  }

  @Test
  void anArmWithoutUnitsHasNoUnits() {
    assertEquals(
        CannotCompareReason.NO_UNITS, conversionReason(conversions(1_000, 40), conversions(0, 0)));
    assertEquals(
        CannotCompareReason.NO_UNITS, conversionReason(conversions(0, 0), conversions(1_000, 40)));
  }

  @Test
  void revenueWithASingleUnitOrNoRevenueInControlCannotBeCompared() {
    ArmComparison singleUnit =
        onlyComparison(
            analyze(
                new Aggregates(1, 1, 50, 2_500, 0), new Aggregates(500, 40, 2_000, 150_000, 0)));
    assertEquals(CannotCompareReason.ZERO_VARIANCE, reason(singleUnit.revenuePerUnit()));

    ArmComparison noRevenue =
        onlyComparison(
            analyze(new Aggregates(500, 0, 0, 0, 0), new Aggregates(500, 40, 2_000, 150_000, 0)));
    assertEquals(CannotCompareReason.ZERO_BASELINE, reason(noRevenue.revenuePerUnit()));
  }

  @Test
  void aGuardrailWithoutDismissalsInControlCannotFlag() {
    Guardrail guardrail =
        onlyComparison(
                analyze(new Aggregates(1_000, 50, 0, 0, 0), new Aggregates(1_000, 50, 0, 0, 300)))
            .guardrail();
    assertEquals(CannotCompareReason.ZERO_BASELINE, reason(guardrail.dismissRate()));
    assertFalse(guardrail.worseThanControl());
  }
}
