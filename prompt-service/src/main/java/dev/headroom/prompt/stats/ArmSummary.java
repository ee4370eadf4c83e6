package dev.headroom.prompt.stats;

import java.util.OptionalDouble;

/**
 * One arm's plain numbers. The rates are empty when the arm has no units.
 *
 * @param armKey the arm's key
 * @param role control, treatment or holdout
 * @param units exposed units
 * @param conversions converted units
 * @param conversionRate conversions / units
 * @param revenuePerUnit revenue sum / units
 * @param dismissRate dismissals / units
 */
public record ArmSummary(
    String armKey,
    ArmRole role,
    long units,
    long conversions,
    OptionalDouble conversionRate,
    OptionalDouble revenuePerUnit,
    OptionalDouble dismissRate) {}
