package dev.headroom.app.loop;

import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.api.prompt.v1.Copy;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.Offer;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptServiceGrpc.PromptServiceBlockingStub;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.Trigger;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.prompt.v1.Variant;
import java.time.Instant;
import java.util.List;

/**
 * The experiments team's side of the loop tests: an SSO feature-gate campaign with an A/B test of a
 * 10 % annual discount against no discount, and the question the host asks when an owner touches
 * SSO.
 */
public final class Offers {
  public static final String CONTROL = "control";
  public static final String DISCOUNT = "annual-10";
  public static final List<String> VARIANTS = List.of(CONTROL, DISCOUNT);

  /** What the purchase after a prompt reports, in cents: the upgrade, 1,200.00 a year. */
  public static final long PURCHASE_MINOR = 120_000;

  /** The campaign and its running experiment. */
  public record Launched(String campaignId, Experiment experiment) {
    public String experimentId() {
      return experiment.getExperimentId();
    }
  }

  private Offers() {}

  /** Creates the campaign (ACTIVE), its experiment, and starts the experiment. */
  public static Launched launch(PromptServiceBlockingStub prompts) {
    Copy copy =
        Copy.newBuilder()
            .setTitle("Unlock {feature_name}")
            .setBody("{target_plan} adds {feature_name} for your {seats_used} seats.")
            .setCtaLabel("Upgrade to {target_plan}")
            .setMemberBody("Ask your admin to upgrade to {target_plan} for {feature_name}.")
            .setMemberCtaLabel("Ask my admin")
            .build();
    Campaign campaign =
        prompts
            .createCampaign(
                CreateCampaignRequest.newBuilder()
                    .setRequestId("loop-campaign")
                    .setCampaign(
                        Campaign.newBuilder()
                            .setName("SSO gate")
                            .setStatus(CampaignStatus.CAMPAIGN_STATUS_ACTIVE)
                            .setTrigger(
                                Trigger.newBuilder()
                                    .setType(TriggerType.TRIGGER_TYPE_FEATURE_GATE)
                                    .addFeatureKeys(Host.SSO))
                            .addSurfaces(Surface.SURFACE_FEATURE_USE)
                            .setPriority(10)
                            .setDefaultLocale("en")
                            .putCopy("en", copy)
                            .setOffer(
                                Offer.newBuilder()
                                    .setCtaUrlTemplate(
                                        "https://host.example/checkout?account={account_id}"
                                            + "&plan={plan_key}&variant={variant_key}")))
                    .build())
            .getCampaign();
    Experiment created =
        prompts
            .createExperiment(
                CreateExperimentRequest.newBuilder()
                    .setRequestId("loop-experiment")
                    .setExperiment(
                        Experiment.newBuilder()
                            .setCampaignId(campaign.getCampaignId())
                            .setName("Annual discount")
                            .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
                            .addVariants(
                                Variant.newBuilder()
                                    .setVariantKey(CONTROL)
                                    .setWeight(1)
                                    .setControl(true))
                            .addVariants(
                                Variant.newBuilder()
                                    .setVariantKey(DISCOUNT)
                                    .setWeight(1)
                                    .setDiscountPercent(10)))
                    .build())
            .getExperiment();
    Experiment started =
        prompts
            .startExperiment(
                StartExperimentRequest.newBuilder()
                    .setExperimentId(created.getExperimentId())
                    .build())
            .getExperiment();
    return new Launched(campaign.getCampaignId(), started);
  }

  /** What a user did with the prompt of {@code decisionId} (its id names the decision and kind). */
  public static PromptEvent event(String decisionId, PromptEventKind kind, Instant at) {
    return PromptEvent.newBuilder()
        .setEventId(decisionId + "/" + kind.name())
        .setDecisionId(decisionId)
        .setKind(kind)
        .setOccurredAt(Host.timestamp(at))
        .build();
  }

  /** The purchase that followed the prompt of {@code decisionId}: the upgrade, 1,200.00 a year. */
  public static PromptEvent conversion(String decisionId, Instant at) {
    return event(decisionId, PromptEventKind.PROMPT_EVENT_KIND_CONVERTED, at).toBuilder()
        .setRevenue(Host.money(PURCHASE_MINOR))
        .build();
  }

  /** The account's owner touches SSO. */
  public static GetPromptRequest ownerTouchesSso(String accountId) {
    return GetPromptRequest.newBuilder()
        .setAccountId(accountId)
        .setUserId(Host.owner(accountId))
        .setFeatureKey(Host.SSO)
        .setSurface(Surface.SURFACE_FEATURE_USE)
        .setUserRole(UserRole.USER_ROLE_OWNER)
        .build();
  }
}
