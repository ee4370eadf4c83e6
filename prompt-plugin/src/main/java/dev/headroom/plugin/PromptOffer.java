package dev.headroom.plugin;

import java.util.List;

/**
 * The offer prompt-service decided to show. Report what the user does with it through {@link
 * PromptClient#shown}, {@link PromptClient#clicked}, {@link PromptClient#dismissed} and {@link
 * PromptClient#converted} with its {@link #decisionId()}. {@link #toJson()} is the input of the
 * {@code <headroom-prompt>} web component.
 *
 * @param decisionId identifies this decision in every report about it
 * @param campaignId the campaign that made the offer
 * @param experimentId the running experiment, empty when none
 * @param variantKey the experiment variant, empty when none
 * @param trigger what made the campaign apply (FEATURE_GATE, SEAT_LIMIT, ...)
 * @param audience BUYER (self-serve offer) or MEMBER ("ask your admin")
 * @param locale the BCP 47 locale the copy is in
 * @param title the heading
 * @param body the text
 * @param ctaLabel the call-to-action label
 * @param ctaUrl where the call to action leads
 * @param currentPlan the account's plan in the tier comparison; null when not applicable
 * @param targetPlan the offered plan; null when not applicable
 * @param highlightedFeatureKeys features the user attempted that the target plan unlocks
 * @param prefilledSeats the seat quantity to pre-fill (seat offers), 0 when none
 * @param discountPercent the discount in whole percent, 0 for none
 * @param annualBilling true when the discount applies to annual billing
 */
public record PromptOffer(
    String decisionId,
    String campaignId,
    String experimentId,
    String variantKey,
    String trigger,
    String audience,
    String locale,
    String title,
    String body,
    String ctaLabel,
    String ctaUrl,
    PlanSummary currentPlan,
    PlanSummary targetPlan,
    List<String> highlightedFeatureKeys,
    int prefilledSeats,
    int discountPercent,
    boolean annualBilling) {

  /** Copies the highlighted features so the offer stays immutable. */
  public PromptOffer {
    highlightedFeatureKeys = List.copyOf(highlightedFeatureKeys);
  }

  /**
   * The offer as a JSON object with snake_case field names, ready for the web component's {@code
   * prompt} attribute or property. Every string is escaped, so the result can be embedded in an
   * HTML attribute after HTML-escaping or in a {@code <script type="application/json">} block.
   */
  public String toJson() {
    JsonWriter json = new JsonWriter();
    json.beginObject()
        .field("decision_id", decisionId)
        .field("campaign_id", campaignId)
        .field("experiment_id", experimentId)
        .field("variant_key", variantKey)
        .field("trigger", trigger)
        .field("audience", audience)
        .field("locale", locale)
        .field("title", title)
        .field("body", body)
        .field("cta_label", ctaLabel)
        .field("cta_url", ctaUrl);
    plan(json, "current_plan", currentPlan);
    plan(json, "target_plan", targetPlan);
    return json.field("highlighted_feature_keys", highlightedFeatureKeys)
        .field("prefilled_seats", prefilledSeats)
        .field("discount_percent", discountPercent)
        .field("annual_billing", annualBilling)
        .endObject()
        .toString();
  }

  private static void plan(JsonWriter json, String name, PlanSummary plan) {
    if (plan == null) {
      return;
    }
    json.name(name)
        .beginObject()
        .field("plan_key", plan.planKey())
        .field("display_name", plan.displayName());
    if (plan.monthlyPrice() != null) {
      json.name("monthly_price")
          .beginObject()
          .field("currency_code", plan.monthlyPrice().currencyCode())
          .field("minor_units", plan.monthlyPrice().minorUnits())
          .endObject();
    }
    json.field("feature_keys", plan.featureKeys()).endObject();
  }
}
