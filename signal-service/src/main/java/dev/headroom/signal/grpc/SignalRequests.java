package dev.headroom.signal.grpc;

import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.ListUsersRequest;
import dev.headroom.api.signal.v1.Meter;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutMeterRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.PutUserRequest;
import dev.headroom.api.signal.v1.SignalRule;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UpdateSignalRuleRequest;
import dev.headroom.api.signal.v1.User;
import dev.headroom.kit.validation.Limits;
import dev.headroom.kit.validation.Validation;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge checks of every signal-service request (kit {@link Validation}: identifiers, text
 * lengths, NUL, enums, timestamps, durations, decimals, upper bounds of counts and amounts), before
 * a use case, the database or any arithmetic sees a value. Business rules (known plans, currencies
 * matching the account) stay in the use cases. Each method throws INVALID_ARGUMENT naming every bad
 * field.
 */
final class SignalRequests {
  /** Counts (seats, ranks, orders) are far below this; larger ones are client bugs. */
  private static final long MAX_COUNT = 1_000_000_000L;

  /** Prices, ARR and meter limits: the kit's bound for amounts. */
  private static final long MAX_MINOR_UNITS = Limits.MAX_MONEY_MINOR_UNITS;

  private SignalRequests() {}

  static void check(PutProductRequest req) {
    Validation v = Validation.of();
    Validation p = v.at("product");
    Product product = req.getProduct();
    p.identifier("product_key", product.getProductKey());
    p.text("display_name", product.getDisplayName(), Limits.MAX_SHORT_TEXT_CHARS);
    atMost(p, "catalog_order", product.getCatalogOrder(), MAX_COUNT);
    v.throwIfInvalid();
  }

  static void check(PutMeterRequest req) {
    Validation v = Validation.of();
    Validation m = v.at("meter");
    Meter meter = req.getMeter();
    m.identifier("meter_key", meter.getMeterKey());
    m.text("unit", meter.getUnit(), Limits.MAX_SHORT_TEXT_CHARS);
    m.optionalEnum("aggregation", meter.getAggregation());
    m.text("display_name", meter.getDisplayName(), Limits.MAX_SHORT_TEXT_CHARS);
    v.throwIfInvalid();
  }

  static void check(PutFeatureRequest req) {
    Validation v = Validation.of();
    Validation f = v.at("feature");
    Feature feature = req.getFeature();
    f.identifier("feature_key", feature.getFeatureKey());
    f.identifier("product_key", feature.getProductKey());
    f.text("display_name", feature.getDisplayName(), Limits.MAX_SHORT_TEXT_CHARS);
    f.optionalIdentifier("lowest_entitling_plan_key", feature.getLowestEntitlingPlanKey());
    v.throwIfInvalid();
  }

  static void check(PutPlanRequest req) {
    Validation v = Validation.of();
    Validation p = v.at("plan");
    Plan plan = req.getPlan();
    p.identifier("plan_key", plan.getPlanKey());
    p.identifier("product_key", plan.getProductKey());
    atMost(p, "tier_rank", plan.getTierRank(), MAX_COUNT);
    p.text("display_name", plan.getDisplayName(), Limits.MAX_SHORT_TEXT_CHARS);
    atMost(
        p,
        "seat_price_monthly.minor_units",
        plan.getSeatPriceMonthly().getMinorUnits(),
        MAX_MINOR_UNITS);
    atMost(
        p,
        "base_price_monthly.minor_units",
        plan.getBasePriceMonthly().getMinorUnits(),
        MAX_MINOR_UNITS);
    atMost(p, "included_seats", plan.getIncludedSeats(), MAX_COUNT);
    plan.getMeterLimitsMap()
        .forEach(
            (meter, limit) -> {
              if (validKey(p, "meter_limits", meter)) {
                atMost(p, "meter_limits[" + meter + "]", limit, MAX_MINOR_UNITS);
              }
            });
    identifiers(p, "entitled_feature_keys", plan.getEntitledFeatureKeysList());
    p.optionalIdentifier("next_plan_key", plan.getNextPlanKey());
    v.throwIfInvalid();
  }

  static void check(PutAccountRequest req) {
    Validation v = Validation.of();
    Validation a = v.at("account");
    Account account = req.getAccount();
    a.identifier("account_id", account.getAccountId());
    a.text("name", account.getName(), Limits.MAX_SHORT_TEXT_CHARS);
    atMost(a, "arr.minor_units", account.getArr().getMinorUnits(), MAX_MINOR_UNITS);
    a.optionalIdentifier("locale", account.getLocale());
    a.optionalIdentifier("region", account.getRegion());
    a.optionalIdentifier("crm_owner", account.getCrmOwner());
    a.optionalTimestamp("signup_time", account.hasSignupTime() ? account.getSignupTime() : null);
    a.optionalTimestamp("activated_at", account.hasActivatedAt() ? account.getActivatedAt() : null);
    for (int i = 0; i < account.getSubscriptionsCount(); i++) {
      Subscription s = account.getSubscriptions(i);
      Validation sub = a.at("subscriptions", i);
      sub.identifier("product_key", s.getProductKey());
      sub.identifier("plan_key", s.getPlanKey());
      atMost(sub, "seats_purchased", s.getSeatsPurchased(), MAX_COUNT);
      sub.optionalTimestamp("since", s.hasSince() ? s.getSince() : null);
    }
    v.throwIfInvalid();
  }

  static void check(GetAccountRequest req) {
    Validation v = Validation.of();
    v.identifier("account_id", req.getAccountId());
    v.throwIfInvalid();
  }

  static void check(PutUserRequest req) {
    Validation v = Validation.of();
    Validation u = v.at("user");
    User user = req.getUser();
    u.identifier("user_id", user.getUserId());
    u.identifier("account_id", user.getAccountId());
    u.optionalEnum("role", user.getRole());
    u.text("team", user.getTeam(), Limits.MAX_SHORT_TEXT_CHARS);
    u.optionalTimestamp("added_time", user.hasAddedTime() ? user.getAddedTime() : null);
    u.optionalTimestamp("removed_time", user.hasRemovedTime() ? user.getRemovedTime() : null);
    v.throwIfInvalid();
  }

  static void check(ListUsersRequest req) {
    Validation v = Validation.of();
    v.identifier("account_id", req.getAccountId());
    v.throwIfInvalid();
  }

  static void check(ListAccountSignalsRequest req) {
    Validation v = Validation.of();
    v.identifier("account_id", req.getAccountId());
    for (int i = 0; i < req.getTypesCount(); i++) {
      v.requiredEnum("types[" + i + "]", req.getTypes(i));
    }
    v.throwIfInvalid();
  }

  /** A validated rule update: thresholds as decimals, windows as durations. */
  record RuleUpdate(Map<String, BigDecimal> thresholds, Map<String, Duration> windows) {}

  static RuleUpdate check(UpdateSignalRuleRequest req) {
    Validation v = Validation.of();
    Validation r = v.at("rule");
    SignalRule rule = req.getRule();
    r.requiredEnum("type", rule.getType());
    Map<String, BigDecimal> thresholds = new HashMap<>();
    rule.getThresholdsMap()
        .forEach(
            (key, text) -> {
              if (validKey(r, "thresholds", key)) {
                BigDecimal value = r.decimal("thresholds." + key, text.trim());
                if (value != null) {
                  thresholds.put(key, value);
                }
              }
            });
    Map<String, Duration> windows = new HashMap<>();
    rule.getWindowsMap()
        .forEach(
            (key, d) -> {
              if (validKey(r, "windows", key)) {
                Duration value =
                    r.duration("windows." + key, d, Duration.ZERO, Limits.MAX_DURATION);
                if (value != null) {
                  windows.put(key, value);
                }
              }
            });
    v.optionalIdentifier("actor", req.getActor());
    v.throwIfInvalid();
    return new RuleUpdate(thresholds, windows);
  }

  static void check(EvaluateSignalsRequest req) {
    Validation v = Validation.of();
    v.optionalIdentifier("account_id", req.getAccountId());
    v.throwIfInvalid();
  }

  static void check(GetUsageSnapshotRequest req) {
    Validation v = Validation.of();
    v.identifier("account_id", req.getAccountId());
    v.optionalTimestamp("as_of", req.hasAsOf() ? req.getAsOf() : null);
    v.throwIfInvalid();
  }

  /**
   * A map key must be an identifier; a bad one is named by the map's own path (the key itself may
   * be megabytes or hold control characters), its value then left unchecked.
   */
  private static boolean validKey(Validation v, String map, String key) {
    int before = v.violations().size();
    v.identifier(map, key);
    return v.violations().size() == before;
  }

  /**
   * Upper bounds only: signs and currencies of catalog and account values are the use cases' rules,
   * reported there together with the rest of the request's business violations.
   */
  private static void atMost(Validation v, String field, long value, long max) {
    v.check(value <= max, field, "at most " + max + ", got " + value);
  }

  private static void identifiers(Validation v, String field, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      v.identifier(field + "[" + i + "]", values.get(i));
    }
  }
}
