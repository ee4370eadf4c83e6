package dev.headroom.prompt.decision;

import dev.headroom.prompt.context.Money;
import java.util.List;

/** One column of the tier comparison: a plan priced for the account's billable seats. */
public record PlanSummary(
    String planKey, String displayName, Money monthlyPrice, List<String> featureKeys) {}
