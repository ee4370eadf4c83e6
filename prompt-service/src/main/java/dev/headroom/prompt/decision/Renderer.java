package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.Copy;
import dev.headroom.prompt.campaign.Locales;
import dev.headroom.prompt.campaign.Templates;
import dev.headroom.prompt.context.AccountUsage;
import dev.headroom.prompt.context.CatalogView;
import dev.headroom.prompt.context.FeatureInfo;
import dev.headroom.prompt.context.PlanInfo;
import dev.headroom.prompt.experiment.Variant;
import dev.headroom.prompt.experiment.Variant.PromptTiming;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
      PromptRequest request,
      CatalogView catalog) {
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
    Function<String, String> copyValue = variable -> copyValue(variable, usage, offer);
    boolean buyer = request.role().buyer();
    String variantKey = variant.map(Variant::variantKey).orElse("");
    String ctaUrl =
        buyer
            ? Templates.renderUrl(
                campaign.offer().ctaUrlTemplate(),
                variable -> urlValue(variable, usage, offer, campaign, variantKey))
            : "";
    int seats = usage.billableSeats();
    return new RenderedPrompt(
        campaign.campaignId(),
        experimentId,
        variantKey,
        campaign.trigger().type(),
        buyer,
        locale,
        Templates.renderCopy(copy.title(), copyValue),
        Templates.renderCopy(buyer ? copy.body() : copy.memberBody(), copyValue),
        Templates.renderCopy(buyer ? copy.ctaLabel() : copy.memberCtaLabel(), copyValue),
        ctaUrl,
        offer.current().map(p -> summary(p, seats, catalog)),
        summary(offer.target(), seats, catalog),
        highlighted(usage, offer),
        offer.prefilledSeats(),
        variant
            .map(v -> v.discountPercent().orElse(campaign.offer().discountPercent()))
            .orElse(campaign.offer().discountPercent()),
        campaign.offer().annualBilling(),
        variant.map(Variant::timing).orElse(PromptTiming.AT_FEATURE_USE));
  }

  /**
   * A copy variable's value ({@link Templates#COPY_VARIABLES}), computed only when the copy names
   * it; null for any other name.
   */
  private static String copyValue(String variable, AccountUsage usage, ResolvedOffer offer) {
    return switch (variable) {
      case "seats_used" -> Integer.toString(usage.seatsUsed());
      case "seats_purchased" -> Integer.toString(usage.seatsPurchased());
      case "utilization_pct" ->
          usage.seatsPurchased() == 0
              ? "0"
              : BigDecimal.valueOf(100L * usage.seatsUsed())
                  .divide(BigDecimal.valueOf(usage.seatsPurchased()), 0, RoundingMode.HALF_UP)
                  .toPlainString();
      case "feature_name" -> offer.feature().map(FeatureInfo::displayName).orElse("");
      case "target_plan" -> offer.target().displayName();
      case "users_added_quarter" -> Integer.toString(usage.usersAddedQuarter());
      case "recommended_seats" -> Integer.toString(usage.recommendedSeats());
      default -> null;
    };
  }

  /** A CTA URL variable's value ({@link Templates#URL_VARIABLES}); null for any other name. */
  private static String urlValue(
      String variable,
      AccountUsage usage,
      ResolvedOffer offer,
      Campaign campaign,
      String variantKey) {
    return switch (variable) {
      case "account_id" -> usage.accountId();
      case "plan_key" -> offer.target().planKey();
      case "seats" -> Integer.toString(offer.prefilledSeats());
      case "campaign_id" -> campaign.campaignId();
      case "variant_key" -> variantKey;
      default -> null;
    };
  }

  /**
   * The features the account attempted (and the one touched now) that the target unlocks beyond the
   * current plan, sorted.
   */
  private static List<String> highlighted(AccountUsage usage, ResolvedOffer offer) {
    List<String> out = new ArrayList<>(usage.attemptedFeatureKeys().size() + 1);
    for (String f : usage.attemptedFeatureKeys()) {
      if (unlocks(offer, f)) {
        out.add(f);
      }
    }
    offer
        .feature()
        .map(FeatureInfo::featureKey)
        .filter(f -> unlocks(offer, f) && !usage.attemptedFeatureKeys().contains(f))
        .ifPresent(out::add);
    out.sort(null);
    return out;
  }

  private static boolean unlocks(ResolvedOffer offer, String featureKey) {
    return offer.target().entitles(featureKey)
        && !offer.current().map(c -> c.entitles(featureKey)).orElse(false);
  }

  private static PlanSummary summary(PlanInfo plan, int seats, CatalogView catalog) {
    return new PlanSummary(
        plan.planKey(),
        plan.displayName(),
        plan.monthlyPrice(seats),
        catalog.sortedFeatureKeys(plan));
  }
}
