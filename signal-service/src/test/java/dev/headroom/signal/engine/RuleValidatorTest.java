package dev.headroom.signal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleValidatorTest {

  private final RuleValidator validator = new RuleValidator();

  private static SignalRule rule(
      SignalType type, Map<String, BigDecimal> thresholds, Map<String, Duration> windows) {
    return new SignalRule(type, true, thresholds, windows, 1, Instant.EPOCH, "admin");
  }

  @Test
  void everyDefaultRuleIsValid() {
    DefaultRules.all()
        .values()
        .forEach(r -> assertEquals(List.of(), validator.validate(r), r.type().name()));
    assertEquals(SignalType.values().length, DefaultRules.all().size());
  }

  @Test
  void aMisspelledThresholdIsReportedAsUnknownAndTheRealOneAsMissing() {
    List<RuleViolation> v =
        validator.validate(
            rule(
                SignalType.SEAT_UTILIZATION_HIGH,
                Map.of("utilisation", new BigDecimal("0.8")),
                Map.of("sustain", Duration.ofDays(14))));

    assertEquals(
        List.of("thresholds.utilisation", "thresholds.utilization"),
        v.stream().map(RuleViolation::field).toList());
    assertTrue(v.get(0).message().contains("unknown"));
    assertTrue(v.get(1).message().contains("required"));
  }

  @Test
  void nonPositiveAndFractionalValuesAreReportedPerField() {
    List<RuleViolation> v =
        validator.validate(
            rule(
                SignalType.WORKFLOW_BOTTLENECK,
                Map.of("min_friction", new BigDecimal("2.5"), "growth_factor", BigDecimal.ZERO),
                Map.of(
                    "window",
                    Duration.ZERO,
                    "prior",
                    Duration.ofDays(90),
                    "extra",
                    Duration.ofDays(1))));

    assertEquals(
        List.of(
            "thresholds.growth_factor",
            "thresholds.min_friction",
            "windows.extra",
            "windows.window"),
        v.stream().map(RuleViolation::field).toList());
  }

  @Test
  void scoresAndCalendarDaysHaveTheirOwnRanges() {
    assertEquals(
        "thresholds.min_engagement",
        validator
            .validate(
                rule(
                    SignalType.CROSS_PRODUCT_FIT,
                    Map.of("min_engagement", new BigDecimal("101")),
                    Map.of()))
            .get(0)
            .field());
    assertEquals(
        "windows.days",
        validator
            .validate(
                rule(
                    SignalType.POWER_USER_EMERGENCE,
                    Map.of("min_users", BigDecimal.ONE, "min_active_days", BigDecimal.ONE),
                    Map.of("days", Duration.ofHours(36))))
            .get(0)
            .field());
    assertEquals(
        "thresholds.min_active_days",
        validator
            .validate(
                rule(
                    SignalType.POWER_USER_EMERGENCE,
                    Map.of("min_users", BigDecimal.ONE, "min_active_days", BigDecimal.valueOf(29)),
                    Map.of("days", Duration.ofDays(28))))
            .get(0)
            .field());
    assertEquals(
        "windows.window",
        validator
            .validate(
                rule(SignalType.MULTI_SIGNAL, Map.of(), Map.of("window", Duration.ofDays(400))))
            .get(0)
            .field());
  }
}
