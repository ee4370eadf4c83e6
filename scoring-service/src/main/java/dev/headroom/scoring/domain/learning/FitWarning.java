package dev.headroom.scoring.domain.learning;

/**
 * A non-fatal note about a fit, e.g. a category clamped to 0 points.
 *
 * @param field what it is about, e.g. {@code weights.growth_trajectory}
 */
public record FitWarning(String field, String description) {}
