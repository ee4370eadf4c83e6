package dev.headroom.prompt.decision;

import dev.headroom.prompt.context.FeatureInfo;
import dev.headroom.prompt.context.PlanInfo;
import java.util.Optional;

/**
 * What a trigger that holds offers: the target plan, the plan it compares with (none for a product
 * not owned), the pre-filled seats and the feature it is about.
 */
public record ResolvedOffer(
    PlanInfo target,
    Optional<PlanInfo> current,
    int prefilledSeats,
    Optional<FeatureInfo> feature) {}
