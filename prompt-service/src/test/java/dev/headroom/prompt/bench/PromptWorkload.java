package dev.headroom.prompt.bench;

import com.google.protobuf.Duration;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.api.prompt.v1.Copy;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.FrequencyCap;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.Offer;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.Trigger;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.Meter;
import dev.headroom.api.signal.v1.MeterAggregation;
import dev.headroom.api.signal.v1.MeterUsage;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.prompt.testing.PromptFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * The world the GetPrompt benchmark runs in, shared by the server process (which stores it) and the
 * load generator (which asks about it): a three-product suite with a five-tier core product and
 * three meters, accounts spread over the plans the way a SaaS customer base is (most on the lower
 * tiers, some near their seat or meter limits, some owned by sales), a campaign for each trigger, a
 * running experiment, and the mix of GetPrompt requests a host sends.
 */
final class PromptWorkload {
  private PromptWorkload() {}

  static final String CORE = "core";
  static final String UNKNOWN_FEATURE = "not-in-the-catalog";

  /** The core tiers in upgrade order: feature keys each adds over the one below. */
  private static final List<Tier> CORE_TIERS =
      List.of(
          new Tier("free", 0, 0, 3, List.of("dashboards", "reports", "comments"), 1_000, 5),
          new Tier(
              "starter", 800, 0, 5, List.of("exports", "integrations", "guest_access"), 10_000, 50),
          new Tier(
              "pro",
              1500,
              0,
              5,
              List.of("sso", "custom_roles", "advanced_reports", "api_access", "workflows"),
              100_000,
              500),
          new Tier(
              "business",
              2500,
              0,
              10,
              List.of("audit_log", "data_residency", "sandbox", "priority_support"),
              1_000_000,
              5_000),
          new Tier(
              "enterprise",
              4000,
              50_000,
              20,
              List.of("scim", "dlp", "custom_contracts", "dedicated_success"),
              0,
              0));

  /** Share of accounts per core tier, in percent, lowest tier first. */
  private static final int[] TIER_SHARE = {30, 30, 25, 12, 3};

  private static final List<String> ANALYTICS_FEATURES =
      List.of("analytics_dashboards", "cohorts", "funnels", "predictive");
  private static final List<String> AUTOMATION_FEATURES = List.of("automation_rules", "ai_actions");
  private static final List<String> LOCALES =
      List.of("en-US", "en-US", "en-US", "en-GB", "de-DE", "de-AT", "fr-FR", "es-ES", "ja-JP");

  /** Every feature key of the catalog, in catalog order. */
  static final List<String> FEATURE_KEYS = featureKeys();

  private record Tier(
      String key,
      long seatPrice,
      long basePrice,
      int includedSeats,
      List<String> adds,
      long apiCallLimit,
      long storageGbLimit) {}

  private static List<String> featureKeys() {
    List<String> keys = new ArrayList<>();
    CORE_TIERS.forEach(t -> keys.addAll(t.adds()));
    keys.addAll(ANALYTICS_FEATURES);
    keys.addAll(AUTOMATION_FEATURES);
    return List.copyOf(keys);
  }

  static String accountId(int i) {
    return "acct-" + i;
  }

  static Catalog catalog() {
    Catalog.Builder c =
        Catalog.newBuilder()
            .addProducts(product(CORE, "Workspace", 0))
            .addProducts(product("analytics", "Analytics", 1))
            .addProducts(product("automation", "Automation", 2))
            .addMeters(meter("api_calls", "calls", MeterAggregation.METER_AGGREGATION_SUM))
            .addMeters(meter("storage_gb", "GB", MeterAggregation.METER_AGGREGATION_LAST))
            .addMeters(meter("automation_runs", "runs", MeterAggregation.METER_AGGREGATION_SUM));
    List<String> entitled = new ArrayList<>();
    for (int rank = 0; rank < CORE_TIERS.size(); rank++) {
      Tier t = CORE_TIERS.get(rank);
      entitled.addAll(t.adds());
      Plan.Builder p =
          PromptFixtures.plan(t.key(), CORE, rank, t.seatPrice(), t.basePrice(), t.includedSeats())
              .addAllEntitledFeatureKeys(entitled);
      if (t.apiCallLimit() > 0) {
        p.putMeterLimits("api_calls", t.apiCallLimit())
            .putMeterLimits("storage_gb", t.storageGbLimit());
      }
      if (rank + 1 < CORE_TIERS.size()) {
        p.setNextPlanKey(CORE_TIERS.get(rank + 1).key());
      }
      c.addPlans(p);
      for (String f : t.adds()) {
        c.addFeatures(feature(f, CORE, rank >= 2));
      }
    }
    c.addPlans(
            PromptFixtures.plan("analytics_starter", "analytics", 1, 900, 0, 0)
                .addAllEntitledFeatureKeys(ANALYTICS_FEATURES.subList(0, 2))
                .setNextPlanKey("analytics_pro"))
        .addPlans(
            PromptFixtures.plan("analytics_pro", "analytics", 2, 1900, 0, 0)
                .addAllEntitledFeatureKeys(ANALYTICS_FEATURES))
        .addPlans(
            PromptFixtures.plan("automation_basic", "automation", 1, 500, 0, 0)
                .addEntitledFeatureKeys("automation_rules")
                .putMeterLimits("automation_runs", 5_000)
                .setNextPlanKey("automation_plus"))
        .addPlans(
            PromptFixtures.plan("automation_plus", "automation", 2, 1200, 0, 0)
                .addAllEntitledFeatureKeys(AUTOMATION_FEATURES)
                .putMeterLimits("automation_runs", 50_000));
    ANALYTICS_FEATURES.forEach(f -> c.addFeatures(feature(f, "analytics", false)));
    AUTOMATION_FEATURES.forEach(f -> c.addFeatures(feature(f, "automation", false)));
    return c.build();
  }

  private static Product product(String key, String name, int order) {
    return Product.newBuilder()
        .setProductKey(key)
        .setDisplayName(name)
        .setCatalogOrder(order)
        .build();
  }

  private static Meter meter(String key, String unit, MeterAggregation aggregation) {
    return Meter.newBuilder().setMeterKey(key).setUnit(unit).setAggregation(aggregation).build();
  }

  private static Feature feature(String key, String product, boolean advanced) {
    String name = key.substring(0, 1).toUpperCase(Locale.ROOT) + key.substring(1).replace('_', ' ');
    return Feature.newBuilder()
        .setFeatureKey(key)
        .setProductKey(product)
        .setDisplayName(name)
        .setAdvanced(advanced)
        .build();
  }

  /** Account i's usage snapshot, the same for the same i on every run. */
  static UsageSnapshot snapshot(int i) {
    SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
    int rank = tierOf(r.nextInt(100));
    Tier tier = CORE_TIERS.get(rank);
    int purchased = tier.includedSeats() + r.nextInt(1 + 10 * (rank + 1) * (rank + 1));
    // Utilization from 40 % to 110 %: about one account in five is at 90 % or more.
    int used = Math.max(1, (int) Math.round(purchased * (0.4 + 0.7 * r.nextDouble())));
    String id = accountId(i);
    Account.Builder account =
        Account.newBuilder()
            .setAccountId(id)
            .setName("Account " + i)
            .setCurrencyCode("USD")
            .setLocale(LOCALES.get(r.nextInt(LOCALES.size())))
            .setActivated(r.nextInt(100) < 92)
            .addSubscriptions(
                Subscription.newBuilder()
                    .setProductKey(CORE)
                    .setPlanKey(tier.key())
                    .setSeatsPurchased(purchased));
    UsageSnapshot.Builder s =
        UsageSnapshot.newBuilder()
            .setAccountId(id)
            .setSeatsUsed(used)
            .setSeatsPurchased(purchased)
            .setActiveUsers7D(Math.max(1, used * 2 / 3))
            .setActiveUsers30D(used)
            .setUsersAddedQuarter(r.nextInt(1 + used / 3));
    if (tier.apiCallLimit() > 0) {
      s.addMeters(meterUsage("api_calls", tier.apiCallLimit(), r))
          .addMeters(meterUsage("storage_gb", tier.storageGbLimit(), r));
    }
    if (r.nextInt(100) < 20) {
      account.addSubscriptions(
          Subscription.newBuilder()
              .setProductKey("analytics")
              .setPlanKey("analytics_starter")
              .setSeatsPurchased(purchased));
    }
    if (r.nextInt(100) < 10) {
      account.addSubscriptions(
          Subscription.newBuilder()
              .setProductKey("automation")
              .setPlanKey("automation_basic")
              .setSeatsPurchased(purchased));
      s.addMeters(meterUsage("automation_runs", 5_000, r));
    }
    // Attempts at features of the tiers above: what the tier comparison highlights.
    for (int a = r.nextInt(4); a > 0 && rank + 1 < CORE_TIERS.size(); a--) {
      List<String> above =
          CORE_TIERS.get(rank + 1 + r.nextInt(CORE_TIERS.size() - rank - 1)).adds();
      String f = above.get(r.nextInt(above.size()));
      if (!s.getAttemptedFeatureKeys30DList().contains(f)) {
        s.addAttemptedFeatureKeys30D(f);
      }
    }
    return s.setAccount(account).build();
  }

  private static int tierOf(int percentile) {
    int cumulative = 0;
    for (int rank = 0; rank < TIER_SHARE.length; rank++) {
      cumulative += TIER_SHARE[rank];
      if (percentile < cumulative) {
        return rank;
      }
    }
    return TIER_SHARE.length - 1;
  }

  /** A meter between 10 % and 110 % of its limit. */
  private static MeterUsage meterUsage(String key, long limit, SplittableRandom r) {
    long value = Math.round(limit * (0.1 + r.nextDouble()));
    return MeterUsage.newBuilder()
        .setMeterKey(key)
        .setValue(Long.toString(value))
        .setLimit(limit)
        .build();
  }

  /** Account i's score, given its core plan; one account in twenty has none yet. */
  static Optional<Score> score(int i, String corePlan) {
    SplittableRandom r = new SplittableRandom(~i * 0xBF58476D1CE4E5B9L);
    if (r.nextInt(20) == 0) {
      return Optional.empty();
    }
    int value = r.nextInt(101);
    ReadinessBand band =
        value > 75
            ? ReadinessBand.READINESS_BAND_URGENT
            : value > 60
                ? ReadinessBand.READINESS_BAND_READY
                : value > 40
                    ? ReadinessBand.READINESS_BAND_EMERGING
                    : ReadinessBand.READINESS_BAND_NOT_READY;
    int m = r.nextInt(100);
    RecommendedMotion motion =
        m < 60
            ? RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE
            : m < 80
                ? RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES
                : m < 92
                    ? RecommendedMotion.RECOMMENDED_MOTION_FIELD_SALES
                    : RecommendedMotion.RECOMMENDED_MOTION_NONE;
    int rank = CORE_TIERS.stream().map(Tier::key).toList().indexOf(corePlan);
    String next = CORE_TIERS.get(Math.min(rank + 1, CORE_TIERS.size() - 1)).key();
    ExpansionType type =
        switch (r.nextInt(4)) {
          case 0 -> ExpansionType.EXPANSION_TYPE_SEAT_ADD;
          case 1 -> ExpansionType.EXPANSION_TYPE_USAGE_INCREASE;
          case 2 -> ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT;
          default -> ExpansionType.EXPANSION_TYPE_TIER_UPGRADE;
        };
    String target = type == ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT ? "analytics_starter" : next;
    return Optional.of(
        Score.newBuilder()
            .setAccountId(accountId(i))
            .setScore(value)
            .setBand(band)
            .setMotion(motion)
            .setPrimaryType(type)
            .addTypes(TypePotential.newBuilder().setType(type).setTargetPlanKey(target))
            .setRecommendedSeats(1 + r.nextInt(10))
            .build());
  }

  /** One ACTIVE campaign per trigger, highest priority first. */
  static List<Campaign> campaigns() {
    String cta =
        "https://app.example.com/billing/upgrade?account={account_id}&plan={plan_key}"
            + "&seats={seats}&campaign={campaign_id}&variant={variant_key}";
    return List.of(
        campaign(
            "gate-any-feature",
            TriggerType.TRIGGER_TYPE_FEATURE_GATE,
            Trigger.newBuilder(),
            50,
            List.of(Surface.SURFACE_FEATURE_USE),
            "Unlock {feature_name} with {target_plan}",
            cta),
        campaign(
            "seats-at-90",
            TriggerType.TRIGGER_TYPE_SEAT_LIMIT,
            Trigger.newBuilder().setThreshold("0.90"),
            40,
            List.of(Surface.SURFACE_FEATURE_USE, Surface.SURFACE_HOME, Surface.SURFACE_BILLING),
            "{seats_used} of {seats_purchased} seats used ({utilization_pct}%): add"
                + " {recommended_seats}",
            cta),
        campaign(
            "usage-at-80",
            TriggerType.TRIGGER_TYPE_USAGE_LIMIT,
            Trigger.newBuilder().setThreshold("0.80"),
            30,
            List.of(Surface.SURFACE_FEATURE_USE, Surface.SURFACE_HOME, Surface.SURFACE_BILLING),
            "You are close to your plan's limits: {target_plan} raises them",
            cta),
        campaign(
            "ready-accounts",
            TriggerType.TRIGGER_TYPE_SCORE_BAND,
            Trigger.newBuilder().setMinBand(ReadinessBand.READINESS_BAND_READY),
            20,
            List.of(Surface.SURFACE_HOME),
            "Your team added {users_added_quarter} people this quarter: see {target_plan}",
            cta),
        campaign(
            "cross-sell-analytics",
            TriggerType.TRIGGER_TYPE_CROSS_SELL,
            Trigger.newBuilder().setProductKey("analytics"),
            10,
            List.of(Surface.SURFACE_HOME, Surface.SURFACE_BILLING),
            "Add {target_plan} to your workspace",
            cta));
  }

  private static Campaign campaign(
      String id,
      TriggerType type,
      Trigger.Builder trigger,
      int priority,
      List<Surface> surfaces,
      String title,
      String cta) {
    return Campaign.newBuilder()
        .setCampaignId(id)
        .setName(id)
        .setStatus(CampaignStatus.CAMPAIGN_STATUS_ACTIVE)
        .setTrigger(trigger.setType(type))
        .addAllSurfaces(surfaces)
        .setPriority(priority)
        .setDefaultLocale("en")
        .putAllCopy(
            Map.of(
                "en", copy(title, "Upgrade now", "Ask your admin to upgrade"),
                "de", copy("[de] " + title, "Jetzt upgraden", "Frag deinen Admin"),
                "fr", copy("[fr] " + title, "Mettre à niveau", "Demandez à votre admin")))
        .setOffer(Offer.newBuilder().setAnnualBilling(true).setCtaUrlTemplate(cta))
        .setFrequencyCap(
            FrequencyCap.newBuilder()
                .setMaxImpressions(2)
                .setPer(Duration.newBuilder().setSeconds(7 * 86_400L)))
        .build();
  }

  private static Copy copy(String title, String cta, String memberBody) {
    return Copy.newBuilder()
        .setTitle(title)
        .setBody(
            "{seats_used} people use the workspace; {target_plan} is made for teams like yours")
        .setCtaLabel(cta)
        .setMemberBody(memberBody)
        .setMemberCtaLabel(cta)
        .build();
  }

  /**
   * The feature gate's price test: half see 20 % off, 10 % of accounts are held out; ACCOUNT unit.
   */
  static Experiment experiment() {
    return Experiment.newBuilder()
        .setExperimentId("gate-discount")
        .setCampaignId("gate-any-feature")
        .setName("Feature gate: 20 % off the first year")
        .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
        .setHoldoutBasisPoints(1000)
        .addVariants(Variant.newBuilder().setVariantKey("control").setWeight(50).setControl(true))
        .addVariants(
            Variant.newBuilder().setVariantKey("twenty-off").setWeight(50).setDiscountPercent(20))
        .build();
  }

  /** The users of account i: {@code u-0} to {@code u-(n-1)}, 1 to 15 of them. */
  static int usersOf(int account) {
    return 1 + account % 15;
  }

  /**
   * When a user last saw a prompt, in seconds before the run: half of the users saw one in the last
   * 24 hours (so the default cap of one a day holds them), as on a replica restarted mid-day; the
   * others saw none in the last 30 days.
   */
  static OptionalLong secondsSinceLastPrompt(int account, int user) {
    SplittableRandom r = new SplittableRandom(account * 31L + user);
    return r.nextBoolean() ? OptionalLong.of(r.nextLong(86_400)) : OptionalLong.empty();
  }

  private static final List<String> REQUEST_LOCALES =
      List.of("", "", "", "", "en-US", "de-AT", "de", "fr-FR", "pt-BR", "ja");

  /**
   * One GetPrompt request of the host's mix: 3 % unknown accounts, up to 15 users per account with
   * their roles (mostly members), three surfaces (feature use most often), any catalog feature
   * (entitled or gated by the account's plan; 2 % unknown), and locales with and without copy. A
   * warm-up call asks about users of the same accounts who are not the measured ones ({@code
   * warm-u-…}): warming up the JIT then leaves the measured users' caps as the world set them, so
   * the share of prompts shown does not depend on how long the warm-up ran.
   */
  static GetPromptRequest request(SplittableRandom r, int accounts, boolean warmUp) {
    boolean known = r.nextInt(100) >= 3;
    int a = r.nextInt(accounts);
    String account = known ? accountId(a) : "unknown-" + r.nextInt(1_000_000);
    int role = r.nextInt(100);
    int s = r.nextInt(100);
    Surface surface =
        s < 75
            ? Surface.SURFACE_FEATURE_USE
            : s < 93 ? Surface.SURFACE_HOME : Surface.SURFACE_BILLING;
    GetPromptRequest.Builder b =
        GetPromptRequest.newBuilder()
            .setAccountId(account)
            .setUserId((warmUp ? "warm-u-" : "u-") + r.nextInt(usersOf(a)))
            .setSurface(surface)
            .setLocale(REQUEST_LOCALES.get(r.nextInt(REQUEST_LOCALES.size())))
            .setUserRole(
                role < 5
                    ? UserRole.USER_ROLE_OWNER
                    : role < 15
                        ? UserRole.USER_ROLE_ADMIN
                        : role < 20
                            ? UserRole.USER_ROLE_BILLING
                            : role < 90
                                ? UserRole.USER_ROLE_MEMBER
                                : UserRole.USER_ROLE_UNSPECIFIED);
    if (surface == Surface.SURFACE_FEATURE_USE) {
      b.setFeatureKey(
          r.nextInt(100) < 2 ? UNKNOWN_FEATURE : FEATURE_KEYS.get(r.nextInt(FEATURE_KEYS.size())));
    }
    return b.build();
  }
}
