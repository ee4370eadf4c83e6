package dev.headroom.scoring.domain.learning;

import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.SignalType;
import java.util.Optional;

/**
 * Conversion of one group of fired signals into won expansions.
 *
 * @param band set when grouped by band (and the band at firing was known)
 * @param motion set when grouped by motion (and the motion at firing was known)
 * @param conversionRateLow lower end of the 95% Wilson score interval
 * @param conversionRateHigh upper end of the 95% Wilson score interval
 * @param medianDaysToExpansion median of the days from signal to won expansion; 0 when none
 *     converted
 * @param averageArrDelta mean ARR delta of the converted, truncated to whole minor units; empty
 *     when none converted or their outcomes are in more than one currency (no conversion rates
 *     here)
 */
public record SignalPerformance(
    SignalType signalType,
    Optional<ReadinessBand> band,
    Optional<RecommendedMotion> motion,
    long fired,
    long converted,
    double conversionRate,
    double conversionRateLow,
    double conversionRateHigh,
    double medianDaysToExpansion,
    Optional<Money> averageArrDelta) {}
