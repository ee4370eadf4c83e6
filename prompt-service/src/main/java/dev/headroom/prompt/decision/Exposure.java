package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Surface;
import java.time.Instant;
import java.util.Optional;

/**
 * A prompt returned, or a holdout unit that would have been prompted.
 *
 * @param experimentId with {@code unitId}: present while the campaign's experiment runs
 * @param variantKey empty for the holdout and for campaigns without an experiment
 */
public record Exposure(
    String decisionId,
    Instant decidedAt,
    String accountId,
    String userId,
    String campaignId,
    long campaignVersion,
    Optional<String> experimentId,
    Optional<String> unitId,
    String variantKey,
    boolean holdout,
    Surface surface,
    String featureKey) {}
