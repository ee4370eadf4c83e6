package dev.headroom.prompt.stats;

/**
 * One treatment arm against the control.
 *
 * @param armKey the treatment's key
 * @param minimumDataWarning true when the control or the treatment has fewer units or conversions
 *     than {@link MinimumData} asks: the numbers are shown but too noisy to act on
 * @param conversion the conversion rate (binomial per-unit metric)
 * @param revenuePerUnit revenue per unit (per-unit sample variance)
 * @param guardrail the dismiss-rate guardrail
 */
public record ArmComparison(
    String armKey,
    boolean minimumDataWarning,
    MetricComparison conversion,
    MetricComparison revenuePerUnit,
    Guardrail guardrail) {}
