package dev.headroom.prompt.testing;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.api.prompt.v1.Copy;
import dev.headroom.api.prompt.v1.Offer;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.Trigger;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.MeterUsage;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.prompt.app.PromptConfig;
import java.util.HashMap;
import java.util.Map;

/** Catalog, snapshots, scores, campaigns and configuration for the prompt API tests. */
public final class PromptFixtures {
  private PromptFixtures() {}

  public static Money usd(long minor) {
    return Money.newBuilder().setCurrencyCode("USD").setMinorUnits(minor).build();
  }

  /**
   * Features only enterprise entitles, one per test, so the tests' campaigns never compete for the
   * same feature.
   */
  public static final java.util.List<String> TEST_FEATURES =
      java.util.List.of("render", "dismiss", "sales", "crud", "life", "agg", "restart");

  /** core: free → pro (sso) → enterprise (audit_log and the test features); analytics: starter. */
  public static Catalog catalog() {
    Plan.Builder enterprise =
        plan("enterprise", "core", 2, 3000, 50_000, 20)
            .addEntitledFeatureKeys("reports")
            .addEntitledFeatureKeys("sso")
            .addEntitledFeatureKeys("audit_log");
    Catalog.Builder c = Catalog.newBuilder();
    for (String f : TEST_FEATURES) {
      enterprise.addEntitledFeatureKeys(f);
      c.addFeatures(feature(f, "Feature " + f));
    }
    return c.addProducts(Product.newBuilder().setProductKey("core").setCatalogOrder(0))
        .addProducts(Product.newBuilder().setProductKey("analytics").setCatalogOrder(1))
        .addPlans(
            plan("free", "core", 0, 0, 0, 3)
                .addEntitledFeatureKeys("reports")
                .setNextPlanKey("pro"))
        .addPlans(
            plan("pro", "core", 1, 1500, 0, 5)
                .addEntitledFeatureKeys("reports")
                .addEntitledFeatureKeys("sso")
                .putMeterLimits("api_calls", 1000)
                .setNextPlanKey("enterprise"))
        .addPlans(enterprise)
        .addPlans(plan("starter", "analytics", 1, 900, 0, 0))
        .addFeatures(feature("reports", "Reports"))
        .addFeatures(feature("sso", "Single sign-on"))
        .addFeatures(feature("audit_log", "Audit log"))
        .build();
  }

  private static Feature feature(String key, String name) {
    return Feature.newBuilder()
        .setFeatureKey(key)
        .setProductKey("core")
        .setDisplayName(name)
        .build();
  }

  /** A plan with prices in USD minor units, its display name the capitalized key. */
  public static Plan.Builder plan(
      String key, String product, int rank, long seatPrice, long base, int included) {
    return Plan.newBuilder()
        .setPlanKey(key)
        .setProductKey(product)
        .setTierRank(rank)
        .setDisplayName(key.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + key.substring(1))
        .setSeatPriceMonthly(usd(seatPrice))
        .setBasePriceMonthly(usd(base))
        .setIncludedSeats(included);
  }

  /** An activated account on pro: 19 of 20 seats, 12 users added this quarter. */
  public static UsageSnapshot snapshot(String accountId) {
    return UsageSnapshot.newBuilder()
        .setAccountId(accountId)
        .setAccount(
            Account.newBuilder()
                .setAccountId(accountId)
                .setCurrencyCode("USD")
                .setLocale("en-US")
                .setActivated(true)
                .addSubscriptions(
                    Subscription.newBuilder()
                        .setProductKey("core")
                        .setPlanKey("pro")
                        .setSeatsPurchased(20)))
        .setSeatsUsed(19)
        .setSeatsPurchased(20)
        .setUsersAddedQuarter(12)
        .addAttemptedFeatureKeys30D("audit_log")
        .addMeters(MeterUsage.newBuilder().setMeterKey("api_calls").setValue("950").setLimit(1000))
        .build();
  }

  public static Score score(String accountId, RecommendedMotion motion) {
    return Score.newBuilder()
        .setAccountId(accountId)
        .setScore(70)
        .setBand(ReadinessBand.READINESS_BAND_READY)
        .setMotion(motion)
        .setPrimaryType(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE)
        .addTypes(
            TypePotential.newBuilder()
                .setType(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE)
                .setTargetPlanKey("enterprise"))
        .setRecommendedSeats(8)
        .build();
  }

  public static Copy copy(String prefix) {
    return Copy.newBuilder()
        .setTitle(prefix + " Unlock {feature_name} with {target_plan}")
        .setBody(prefix + " You're at {utilization_pct}% capacity")
        .setCtaLabel(prefix + " Upgrade")
        .setMemberBody(prefix + " Ask your admin")
        .setMemberCtaLabel(prefix + " Request upgrade")
        .build();
  }

  /**
   * An ACTIVE FEATURE_GATE campaign for one feature on FEATURE_USE with English and German copy.
   */
  public static Campaign.Builder featureGate(String id, String feature) {
    return Campaign.newBuilder()
        .setCampaignId(id)
        .setName("Gate " + id)
        .setStatus(CampaignStatus.CAMPAIGN_STATUS_ACTIVE)
        .setTrigger(
            Trigger.newBuilder()
                .setType(TriggerType.TRIGGER_TYPE_FEATURE_GATE)
                .addFeatureKeys(feature))
        .addSurfaces(Surface.SURFACE_FEATURE_USE)
        .setPriority(10)
        .setDefaultLocale("en")
        .putCopy("en", copy("en:"))
        .putCopy("de", copy("de:"))
        .setOffer(
            Offer.newBuilder()
                .setDiscountPercent(10)
                .setAnnualBilling(true)
                .setCtaUrlTemplate("https://host.example/buy?a={account_id}&p={plan_key}"));
  }

  public static Map<String, String> env(TestDatabase db, String upstreamPeer) {
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_PROMPT_DATABASE_URL", db.url());
    env.put("HEADROOM_PROMPT_DATABASE_USER", db.user());
    env.put("HEADROOM_PROMPT_DATABASE_PASSWORD", db.password());
    env.put("HEADROOM_PROMPT_DATABASE_POOL_SIZE", "6");
    env.put("HEADROOM_PROMPT_PAGING_SECRET", "prompt-test-secret-0123456789");
    env.put("HEADROOM_PROMPT_GRPC_PORT", "0");
    env.put("HEADROOM_PROMPT_HTTP_PORT", "0");
    env.put("HEADROOM_PROMPT_PEERS_SIGNAL", upstreamPeer);
    env.put("HEADROOM_PROMPT_PEERS_SCORING", upstreamPeer);
    env.put("HEADROOM_PROMPT_CAMPAIGNS_REFRESH_INTERVAL", "1h");
    return env;
  }

  public static PromptConfig config(TestDatabase db, String upstreamPeer) {
    return PromptConfig.load(env(db, upstreamPeer));
  }
}
