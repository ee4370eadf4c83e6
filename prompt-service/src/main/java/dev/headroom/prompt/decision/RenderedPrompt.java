package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.TriggerType;
import dev.headroom.prompt.experiment.Variant.PromptTiming;
import java.util.List;
import java.util.Optional;

/** The offer to show, with copy rendered in the resolved locale. */
public record RenderedPrompt(
    String campaignId,
    Optional<String> experimentId,
    String variantKey,
    TriggerType trigger,
    boolean buyer,
    String locale,
    String title,
    String body,
    String ctaLabel,
    String ctaUrl,
    Optional<PlanSummary> currentPlan,
    PlanSummary targetPlan,
    List<String> highlightedFeatureKeys,
    int prefilledSeats,
    int discountPercent,
    boolean annualBilling,
    PromptTiming timing) {}
