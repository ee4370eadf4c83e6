package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.Copy;
import dev.headroom.prompt.campaign.Locales;
import dev.headroom.prompt.campaign.Templates;
import dev.headroom.prompt.context.AccountUsage;
import dev.headroom.prompt.context.FeatureInfo;
import dev.headroom.prompt.context.PlanInfo;
import dev.headroom.prompt.experiment.Variant;
import dev.headroom.prompt.experiment.Variant.PromptTiming;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Turns the winning campaign, its variant and the resolved offer into the prompt to show. */
public final class Renderer {
  private Renderer() {}

  /**
   * @param variant the experiment arm, empty when no experiment governs the campaign
   * @param experimentId present while the experiment runs (exposures count for it)
   */
  public static RenderedPrompt render(
      Campaign campaign,
      Optional<Variant> variant,
      Optional<String> experimentId,
      ResolvedOffer offer,
      AccountUsage usage,
      PromptRequest request) {
    String requested = request.locale().orElse(usage.locale());
    String locale = campaign.defaultLocale();
    Copy copy = campaign.copy().get(campaign.defaultLocale());
    for (String tag : Locales.fallbackChain(requested, campaign.defaultLocale())) {
      Copy found = variant.map(v -> v.copy().get(tag)).orElse(null);
      if (found == null) {
        found = campaign.copy().get(tag);
      }
      if (found != null) {
        locale = tag;
        copy = found;
        break;
      }
    }
    Map<String, String> values = copyValues(usage, offer);
    boolean buyer = request.role().buyer();
    String variantKey = variant.map(Variant::variantKey).orElse("");
    String ctaUrl =
        buyer
            ? Templates.renderUrl(
                campaign.offer().ctaUrlTemplate(),
                Map.of(
                    "account_id", usage.accountId(),
                    "plan_key", offer.target().planKey(),
                    "seats", Integer.toString(offer.prefilledSeats()),
                    "campaign_id", campaign.campaignId(),
                    "variant_key", variantKey))
            : "";
    int seats = usage.billableSeats();
    return new RenderedPrompt(
        campaign.campaignId(),
        experimentId,
        variantKey,
        campaign.trigger().type(),
        buyer,
        locale,
        Templates.renderCopy(copy.title(), values),
        Templates.renderCopy(buyer ? copy.body() : copy.memberBody(), values),
        Templates.renderCopy(buyer ? copy.ctaLabel() : copy.memberCtaLabel(), values),
        ctaUrl,
        offer.current().map(p -> summary(p, seats)),
        summary(offer.target(), seats),
        highlighted(usage, offer),
        offer.prefilledSeats(),
        variant
            .map(v -> v.discountPercent().orElse(campaign.offer().discountPercent()))
            .orElse(campaign.offer().discountPercent()),
        campaign.offer().annualBilling(),
        variant.map(Variant::timing).orElse(PromptTiming.AT_FEATURE_USE));
  }

  static Map<String, String> copyValues(AccountUsage usage, ResolvedOffer offer) {
    String utilization =
        usage.seatsPurchased() == 0
            ? "0"
            : BigDecimal.valueOf(100L * usage.seatsUsed())
                .divide(BigDecimal.valueOf(usage.seatsPurchased()), 0, RoundingMode.HALF_UP)
                .toPlainString();
    return Map.of(
        "seats_used", Integer.toString(usage.seatsUsed()),
        "seats_purchased", Integer.toString(usage.seatsPurchased()),
        "utilization_pct", utilization,
        "feature_name", offer.feature().map(FeatureInfo::displayName).orElse(""),
        "target_plan", offer.target().displayName(),
        "users_added_quarter", Integer.toString(usage.usersAddedQuarter()),
        "recommended_seats", Integer.toString(usage.recommendedSeats()));
  }

  /**
   * The features the account attempted (and the one touched now) that the target unlocks beyond the
   * current plan, sorted.
   */
  private static List<String> highlighted(AccountUsage usage, ResolvedOffer offer) {
    TreeSet<String> out = new TreeSet<>(usage.attemptedFeatureKeys());
    offer.feature().ifPresent(f -> out.add(f.featureKey()));
    out.removeIf(
        f -> !offer.target().entitles(f) || offer.current().map(c -> c.entitles(f)).orElse(false));
    return new ArrayList<>(out);
  }

  private static PlanSummary summary(PlanInfo plan, int seats) {
    return new PlanSummary(
        plan.planKey(),
        plan.displayName(),
        plan.monthlyPrice(seats),
        plan.entitledFeatureKeys().stream().sorted().toList());
  }
}
