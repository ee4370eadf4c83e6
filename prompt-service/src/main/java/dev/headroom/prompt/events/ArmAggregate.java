package dev.headroom.prompt.events;

import dev.headroom.prompt.campaign.Surface;
import java.util.Optional;

/**
 * One arm's sufficient statistics, over all surfaces (surface empty) or over the units first
 * exposed on one surface.
 *
 * @param variantKey empty for the holdout
 * @param intendedWeight the arm's designed share of units (all arms, holdout included, sum to 1)
 * @param revenueSum sum over units of each unit's attributed revenue, minor units
 * @param revenueSumOfSquares sum over units of the square of each unit's attributed revenue
 */
public record ArmAggregate(
    String variantKey,
    boolean control,
    boolean holdout,
    Optional<Surface> surface,
    double intendedWeight,
    long units,
    long convertedUnits,
    long revenueSum,
    double revenueSumOfSquares,
    long dismissedUnits) {}
