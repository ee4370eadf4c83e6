package dev.headroom.prompt.stats;

/**
 * The dismiss rate (units that dismissed / units) as a guardrail.
 *
 * @param dismissRate the comparison of dismiss rates with the control
 * @param worseThanControl true when the treatment dismisses significantly more often: the reported
 *     relative-lift p-value is below alpha and the lift is positive
 */
public record Guardrail(MetricComparison dismissRate, boolean worseThanControl) {}
