package dev.headroom.prompt.campaign;

import dev.headroom.prompt.context.AccountScore.ReadinessBand;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;

/**
 * A campaign's trigger.
 *
 * @param featureKeys FEATURE_GATE: the features it is limited to; empty for any
 * @param threshold SEAT_LIMIT / USAGE_LIMIT: the utilization that qualifies (exact)
 * @param meterKey USAGE_LIMIT: the meter, empty for any limited meter
 * @param minBand SCORE_BAND: the lowest band that qualifies
 * @param productKey CROSS_SELL: the product to offer, empty for the first one not owned
 */
public record Trigger(
    TriggerType type,
    Set<String> featureKeys,
    Optional<BigDecimal> threshold,
    Optional<String> meterKey,
    Optional<ReadinessBand> minBand,
    Optional<String> productKey) {}
