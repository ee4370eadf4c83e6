package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.CampaignStatus;
import dev.headroom.prompt.campaign.Copy;
import dev.headroom.prompt.campaign.FrequencyCap;
import dev.headroom.prompt.campaign.Offer;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.campaign.Trigger;
import dev.headroom.prompt.campaign.TriggerType;
import dev.headroom.prompt.context.AccountScore;
import dev.headroom.prompt.context.AccountUsage;
import dev.headroom.prompt.context.CatalogView;
import dev.headroom.prompt.context.FeatureInfo;
import dev.headroom.prompt.context.MeterLevel;
import dev.headroom.prompt.context.Money;
import dev.headroom.prompt.context.PlanInfo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small catalog, an account on it and campaign builders for the decision tests. */
final class DecisionFixtures {
  private DecisionFixtures() {}

  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  static Money usd(long minor) {
    return new Money("USD", minor);
  }

  /**
   * core: free (3 seats, reports) → pro (5 included, 15.00/seat, sso, 1,000 api calls) → enterprise
   * (500.00 base, 20 included, 30.00/seat, audit_log); analytics: starter (9.00/seat).
   */
  static CatalogView catalog() {
    return new CatalogView(
        "core",
        List.of(
            new PlanInfo(
                "free",
                "core",
                0,
                "Free",
                usd(0),
                usd(0),
                3,
                Map.of(),
                Set.of("reports"),
                Optional.of("pro")),
            new PlanInfo(
                "pro",
                "core",
                1,
                "Pro",
                usd(1500),
                usd(0),
                5,
                Map.of("api_calls", 1000L),
                Set.of("reports", "sso"),
                Optional.of("enterprise")),
            new PlanInfo(
                "enterprise",
                "core",
                2,
                "Enterprise",
                usd(3000),
                usd(50_000),
                20,
                Map.of(),
                Set.of("reports", "sso", "audit_log"),
                Optional.empty()),
            new PlanInfo(
                "starter",
                "analytics",
                1,
                "Analytics Starter",
                usd(900),
                usd(0),
                0,
                Map.of(),
                Set.of("dashboards"),
                Optional.empty())),
        List.of(
            new FeatureInfo("reports", "core", "Reports"),
            new FeatureInfo("sso", "core", "Single sign-on"),
            new FeatureInfo("audit_log", "core", "Audit log"),
            new FeatureInfo("dashboards", "analytics", "Dashboards")),
        List.of("core", "analytics"));
  }

  /** acme: activated, de-AT, on pro with 19 of 20 seats used, 950 of 1,000 api calls. */
  static AccountUsage usage(String accountId) {
    return usage(accountId, "pro", 19, 20, "950");
  }

  static AccountUsage usage(
      String accountId, String plan, int used, int purchased, String apiCalls) {
    return new AccountUsage(
        accountId,
        true,
        "de-AT",
        "USD",
        Map.of("core", plan),
        used,
        purchased,
        12,
        Set.of("audit_log"),
        List.of(new MeterLevel("api_calls", new BigDecimal(apiCalls), 1000)));
  }

  static AccountScore score(AccountScore.ReadinessBand band, AccountScore.Motion motion) {
    return new AccountScore(
        70,
        band,
        motion,
        Optional.of(AccountScore.ExpansionType.TIER_UPGRADE),
        Optional.of("enterprise"));
  }

  static Copy copy(String lang) {
    return new Copy(
        lang + ": upgrade to {target_plan}",
        lang
            + ": Your team has added {users_added_quarter} users this quarter and you're at"
            + " {utilization_pct}% capacity ({seats_used}/{seats_purchased}), {feature_name}",
        lang + ": buy {recommended_seats} seats",
        lang + ": ask your admin for {target_plan}",
        lang + ": request upgrade");
  }

  static Trigger trigger(TriggerType type, String threshold) {
    return new Trigger(
        type,
        Set.of(),
        Optional.ofNullable(threshold).map(BigDecimal::new),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  static Campaign campaign(String id, Trigger trigger, int priority, Surface... surfaces) {
    return campaign(id, trigger, priority, Optional.empty(), surfaces);
  }

  static Campaign campaign(
      String id, Trigger trigger, int priority, Optional<FrequencyCap> cap, Surface... surfaces) {
    return new Campaign(
        id,
        "Campaign " + id,
        CampaignStatus.ACTIVE,
        trigger,
        Set.of(surfaces.length == 0 ? new Surface[] {Surface.FEATURE_USE} : surfaces),
        priority,
        Map.of("en", copy("en"), "de", copy("de")),
        "en",
        new Offer(
            Optional.empty(),
            10,
            true,
            "https://host.example/checkout?account={account_id}&plan={plan_key}&seats={seats}"
                + "&c={campaign_id}&v={variant_key}"),
        cap,
        3,
        T0,
        T0);
  }

  static Duration days(long n) {
    return Duration.ofDays(n);
  }
}
