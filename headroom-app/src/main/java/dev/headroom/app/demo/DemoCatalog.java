package dev.headroom.app.demo;

import dev.headroom.api.common.v1.Money;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.Meter;
import dev.headroom.api.signal.v1.MeterAggregation;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutMeterRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated host's catalog: a core product with Free, Team, Business and Enterprise plans, and
 * an Analytics add-on product. Prices are US dollars in cents.
 */
final class DemoCatalog {
  static final String CORE = "core";
  static final String ANALYTICS = "analytics";
  static final String CURRENCY = "USD";

  static final String API_CALLS = "api_calls";
  static final String AUTOMATION_RUNS = "automation_runs";
  static final String STORAGE_GB = "storage_gb";
  static final String ANALYTICS_QUERIES = "analytics_queries";

  /** The premium features simulated users reach for on plans that do not include them. */
  static final String SSO = "sso";

  static final String AUDIT_LOG = "audit_log";
  static final String ADVANCED_ANALYTICS = "advanced_analytics";

  static final String FREE = "free";
  static final String TEAM = "team";
  static final String BUSINESS = "business";
  static final String ENTERPRISE = "enterprise";
  static final String ANALYTICS_STARTER = "analytics_starter";
  static final String ANALYTICS_PRO = "analytics_pro";

  /** Monthly API calls each core plan includes; integrators size their usage against it. */
  static final Map<String, Long> API_CALLS_LIMIT =
      Map.of(FREE, 10_000L, TEAM, 100_000L, BUSINESS, 1_000_000L, ENTERPRISE, 10_000_000L);

  /** Price per seat per month of each core plan. */
  static final Map<String, Long> SEAT_PRICE =
      Map.of(FREE, 0L, TEAM, 1_500L, BUSINESS, 3_500L, ENTERPRISE, 6_000L);

  /** Base price per month of the plans that have one. */
  static final long ENTERPRISE_BASE_PRICE = 200_000;

  static final long ANALYTICS_STARTER_BASE_PRICE = 50_000;

  private static final List<String> FREE_FEATURES = List.of("projects", "dashboards");
  private static final List<String> TEAM_FEATURES =
      List.of("projects", "dashboards", "integrations", "automations");
  private static final List<String> BUSINESS_FEATURES =
      List.of("projects", "dashboards", "integrations", "automations", SSO, ADVANCED_ANALYTICS);
  private static final List<String> ENTERPRISE_FEATURES =
      List.of(
          "projects",
          "dashboards",
          "integrations",
          "automations",
          SSO,
          ADVANCED_ANALYTICS,
          AUDIT_LOG,
          "scim");

  private DemoCatalog() {}

  /** The core plan's place on the upgrade path (0 = free); -1 for a plan off the path. */
  static int tierRank(String plan) {
    return List.of(FREE, TEAM, BUSINESS, ENTERPRISE).indexOf(plan);
  }

  /** Whether {@code plan} of the core product includes {@code feature}. */
  static boolean entitles(String plan, String feature) {
    return switch (plan) {
      case FREE -> FREE_FEATURES.contains(feature);
      case TEAM -> TEAM_FEATURES.contains(feature);
      case BUSINESS -> BUSINESS_FEATURES.contains(feature);
      case ENTERPRISE -> ENTERPRISE_FEATURES.contains(feature);
      default -> false;
    };
  }

  /** Writes the catalog through signal-service's public API (idempotent: Put replaces). */
  static void install(SignalServiceBlockingStub signal) {
    signal.putProduct(product(CORE, "Headroom Core", 0));
    signal.putProduct(product(ANALYTICS, "Analytics add-on", 1));

    signal.putMeter(meter(API_CALLS, "calls", MeterAggregation.METER_AGGREGATION_SUM, "API calls"));
    signal.putMeter(
        meter(AUTOMATION_RUNS, "runs", MeterAggregation.METER_AGGREGATION_SUM, "Automation runs"));
    signal.putMeter(meter(STORAGE_GB, "GB", MeterAggregation.METER_AGGREGATION_LAST, "Storage"));
    signal.putMeter(
        meter(
            ANALYTICS_QUERIES,
            "queries",
            MeterAggregation.METER_AGGREGATION_SUM,
            "Analytics queries"));

    Set<String> advanced = Set.of(ADVANCED_ANALYTICS, "automations", "analytics_forecasting");
    for (String f : ENTERPRISE_FEATURES) {
      signal.putFeature(feature(f, CORE, advanced.contains(f)));
    }
    for (String f : List.of("analytics_reports", "analytics_exports", "analytics_forecasting")) {
      signal.putFeature(feature(f, ANALYTICS, advanced.contains(f)));
    }

    // Top of the path first: a plan's next plan must exist when the plan is written.
    signal.putPlan(
        plan(
            ENTERPRISE,
            CORE,
            3,
            "Enterprise",
            SEAT_PRICE.get(ENTERPRISE),
            ENTERPRISE_BASE_PRICE,
            0,
            Map.of(
                API_CALLS,
                API_CALLS_LIMIT.get(ENTERPRISE),
                AUTOMATION_RUNS,
                100_000L,
                STORAGE_GB,
                5_000L),
            ENTERPRISE_FEATURES,
            ""));
    signal.putPlan(
        plan(
            BUSINESS,
            CORE,
            2,
            "Business",
            SEAT_PRICE.get(BUSINESS),
            0,
            0,
            Map.of(
                API_CALLS,
                API_CALLS_LIMIT.get(BUSINESS),
                AUTOMATION_RUNS,
                10_000L,
                STORAGE_GB,
                500L),
            BUSINESS_FEATURES,
            ENTERPRISE));
    signal.putPlan(
        plan(
            TEAM,
            CORE,
            1,
            "Team",
            SEAT_PRICE.get(TEAM),
            0,
            0,
            Map.of(API_CALLS, API_CALLS_LIMIT.get(TEAM), AUTOMATION_RUNS, 1_000L, STORAGE_GB, 50L),
            TEAM_FEATURES,
            BUSINESS));
    signal.putPlan(
        plan(
            FREE,
            CORE,
            0,
            "Free",
            SEAT_PRICE.get(FREE),
            0,
            3,
            Map.of(API_CALLS, API_CALLS_LIMIT.get(FREE), AUTOMATION_RUNS, 50L, STORAGE_GB, 2L),
            FREE_FEATURES,
            TEAM));
    signal.putPlan(
        plan(
            ANALYTICS_PRO,
            ANALYTICS,
            2,
            "Analytics Pro",
            0,
            150_000,
            0,
            Map.of(ANALYTICS_QUERIES, 500_000L),
            List.of("analytics_reports", "analytics_exports", "analytics_forecasting"),
            ""));
    signal.putPlan(
        plan(
            ANALYTICS_STARTER,
            ANALYTICS,
            1,
            "Analytics Starter",
            0,
            ANALYTICS_STARTER_BASE_PRICE,
            0,
            Map.of(ANALYTICS_QUERIES, 50_000L),
            List.of("analytics_reports", "analytics_exports"),
            ANALYTICS_PRO));
  }

  private static PutProductRequest product(String key, String name, int order) {
    return PutProductRequest.newBuilder()
        .setProduct(
            Product.newBuilder().setProductKey(key).setDisplayName(name).setCatalogOrder(order))
        .build();
  }

  private static PutMeterRequest meter(
      String key, String unit, MeterAggregation aggregation, String name) {
    return PutMeterRequest.newBuilder()
        .setMeter(
            Meter.newBuilder()
                .setMeterKey(key)
                .setUnit(unit)
                .setAggregation(aggregation)
                .setDisplayName(name))
        .build();
  }

  private static PutFeatureRequest feature(String key, String product, boolean advanced) {
    return PutFeatureRequest.newBuilder()
        .setFeature(
            Feature.newBuilder()
                .setFeatureKey(key)
                .setProductKey(product)
                .setDisplayName(displayName(key))
                .setAdvanced(advanced))
        .build();
  }

  private static String displayName(String key) {
    String spaced = key.replace('_', ' ');
    return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
  }

  private static PutPlanRequest plan(
      String key,
      String product,
      int tier,
      String name,
      long seatPrice,
      long basePrice,
      int includedSeats,
      Map<String, Long> limits,
      List<String> features,
      String next) {
    return PutPlanRequest.newBuilder()
        .setPlan(
            Plan.newBuilder()
                .setPlanKey(key)
                .setProductKey(product)
                .setTierRank(tier)
                .setDisplayName(name)
                .setSeatPriceMonthly(usd(seatPrice))
                .setBasePriceMonthly(usd(basePrice))
                .setIncludedSeats(includedSeats)
                .putAllMeterLimits(limits)
                .addAllEntitledFeatureKeys(features)
                .setNextPlanKey(next))
        .build();
  }

  static Money usd(long cents) {
    return Money.newBuilder().setCurrencyCode(CURRENCY).setMinorUnits(cents).build();
  }
}
