package dev.headroom.plugin;

import java.util.List;

/**
 * One plan's column in a prompt's tier comparison.
 *
 * @param planKey the catalog's plan key
 * @param displayName the plan's name for people
 * @param monthlyPrice the monthly price for the account's billable seats; null when unknown
 * @param featureKeys the features the plan entitles
 */
public record PlanSummary(
    String planKey, String displayName, Price monthlyPrice, List<String> featureKeys) {
  /** Copies the feature list so the summary stays immutable. */
  public PlanSummary {
    featureKeys = List.copyOf(featureKeys);
  }
}
