package dev.headroom.app.loop;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.Meter;
import dev.headroom.api.signal.v1.MeterAggregation;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutMeterRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The host product of the loop tests: a small SaaS with Free, Team, Business and Enterprise plans
 * (SSO from Business up), and customer accounts whose usage it reports as a host backend would.
 * Event ids are derived from what they describe, so a host that resends after a failure sends the
 * same ids.
 */
public final class Host {
  public static final String CORE = "core";
  public static final String TEAM = "team";
  public static final String BUSINESS = "business";
  public static final String SSO = "sso";
  public static final String USD = "USD";

  /** Users per account: a Team subscription of this many seats, all taken. */
  public static final int SEATS = 5;

  /** Monthly seat prices in cents; neither plan has a base price or included seats. */
  public static final long TEAM_SEAT_MINOR = 1_500;

  public static final long BUSINESS_SEAT_MINOR = 3_500;

  /** How long before the scenario's start its users were added, filling every seat. */
  public static final Duration USERS_ADDED_BEFORE = Duration.ofDays(40);

  private Host() {}

  /** Puts the catalog: plans with their upgrade path, features and the API meter. */
  public static void putCatalog(SignalServiceBlockingStub signal) {
    signal.putProduct(
        PutProductRequest.newBuilder()
            .setProduct(Product.newBuilder().setProductKey(CORE).setDisplayName("Core"))
            .build());
    signal.putMeter(
        PutMeterRequest.newBuilder()
            .setMeter(
                Meter.newBuilder()
                    .setMeterKey("api_calls")
                    .setUnit("calls")
                    .setDisplayName("API calls")
                    .setAggregation(MeterAggregation.METER_AGGREGATION_SUM))
            .build());
    feature(signal, "reports", "Reports", false);
    feature(signal, SSO, "Single sign-on", true);
    feature(signal, "audit_log", "Audit log", true);
    // Top down: a plan's next plan must exist when it is put.
    plan(
        signal,
        "enterprise",
        3,
        200_000,
        6_000,
        0,
        10_000_000,
        "",
        List.of("reports", SSO, "audit_log"));
    plan(
        signal,
        BUSINESS,
        2,
        0,
        BUSINESS_SEAT_MINOR,
        0,
        1_000_000,
        "enterprise",
        List.of("reports", SSO));
    plan(signal, TEAM, 1, 0, TEAM_SEAT_MINOR, 0, 100_000, BUSINESS, List.of("reports"));
    plan(signal, "free", 0, 0, 0, 1, 1_000, "team", List.of());
  }

  private static void feature(
      SignalServiceBlockingStub signal, String key, String name, boolean advanced) {
    signal.putFeature(
        PutFeatureRequest.newBuilder()
            .setFeature(
                Feature.newBuilder()
                    .setFeatureKey(key)
                    .setProductKey(CORE)
                    .setDisplayName(name)
                    .setAdvanced(advanced))
            .build());
  }

  private static void plan(
      SignalServiceBlockingStub signal,
      String key,
      int rank,
      long baseMinor,
      long seatMinor,
      int includedSeats,
      long apiCallsPerMonth,
      String next,
      List<String> features) {
    signal.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                Plan.newBuilder()
                    .setPlanKey(key)
                    .setProductKey(CORE)
                    .setTierRank(rank)
                    .setDisplayName(Character.toUpperCase(key.charAt(0)) + key.substring(1))
                    .setBasePriceMonthly(money(baseMinor))
                    .setSeatPriceMonthly(money(seatMinor))
                    .setIncludedSeats(includedSeats)
                    .putMeterLimits("api_calls", apiCallsPerMonth)
                    .addAllEntitledFeatureKeys(features)
                    .setNextPlanKey(next))
            .build());
  }

  public static Money money(long minorUnits) {
    return Money.newBuilder().setCurrencyCode(USD).setMinorUnits(minorUnits).build();
  }

  /**
   * A Team customer of {@link #SEATS} seats that signed up 60 days before {@code now}, paying the
   * Team price for them.
   */
  public static void putAccount(SignalServiceBlockingStub signal, String accountId, Instant now) {
    Instant signup = now.minus(Duration.ofDays(60));
    signal.putAccount(subscribed(accountId, now, TEAM, TEAM_SEAT_MINOR, signup));
  }

  /**
   * What the host reports once the customer bought the upgrade: Business from {@code at} on, for
   * the same seats at the Business price.
   */
  public static void upgradeToBusiness(
      SignalServiceBlockingStub signal, String accountId, Instant now, Instant at) {
    signal.putAccount(subscribed(accountId, now, BUSINESS, BUSINESS_SEAT_MINOR, at));
  }

  /** The ARR of {@link #SEATS} seats at {@code seatMinor} a month. */
  public static long annualMinor(long seatMinor) {
    return seatMinor * SEATS * 12;
  }

  private static PutAccountRequest subscribed(
      String accountId, Instant now, String plan, long seatMinor, Instant since) {
    return PutAccountRequest.newBuilder()
        .setAccount(
            Account.newBuilder()
                .setAccountId(accountId)
                .setName("Customer " + accountId)
                .setCurrencyCode(USD)
                .setLocale("en-US")
                .setSignupTime(timestamp(now.minus(Duration.ofDays(60))))
                .setArr(money(annualMinor(seatMinor)))
                .addSubscriptions(
                    Subscription.newBuilder()
                        .setProductKey(CORE)
                        .setPlanKey(plan)
                        .setSeatsPurchased(SEATS)
                        .setSince(timestamp(since))))
        .build();
  }

  /** The account's first user, its owner, who is offered the upgrade. */
  public static String owner(String accountId) {
    return accountId + "-u1";
  }

  /**
   * A team at its seat limit, active every day of the last ten, that completed one workflow and
   * tried SSO (not in its plan) on five of the last days: seat utilization is high (sustained for
   * weeks) and premium features are in demand, while the score stays below the sales threshold.
   */
  public static List<UsageEvent> growingTeam(String accountId, Instant now) {
    List<UsageEvent> events = new ArrayList<>();
    Instant added = now.minus(USERS_ADDED_BEFORE);
    for (int u = 1; u <= SEATS; u++) {
      String user = accountId + "-u" + u;
      events.add(event(accountId, user, "USER_ADDED", added, "role", u == 1 ? "OWNER" : "MEMBER"));
      for (int day = 0; day < 10; day++) {
        events.add(
            event(
                accountId, user, "USER_ACTIVE", now.minus(Duration.ofDays(day)).minusSeconds(60)));
      }
    }
    events.add(workflow(accountId, 0, now.minus(Duration.ofDays(2))));
    for (int day = 1; day <= 5; day++) {
      events.add(ssoAttempt(accountId, day, now.minus(Duration.ofDays(day))));
    }
    return events;
  }

  /**
   * The same team a little later: five more SSO attempts and nine more workflows. Premium demand
   * and realized value now put the account above the sales threshold (score > 75).
   */
  public static List<UsageEvent> readyForSales(String accountId, Instant now) {
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      events.add(workflow(accountId, i, now.minusSeconds(3_600L + i)));
    }
    for (int i = 6; i <= 10; i++) {
      events.add(ssoAttempt(accountId, i, now.minusSeconds(1_800L + i)));
    }
    return events;
  }

  private static UsageEvent workflow(String accountId, int n, Instant at) {
    return event(
        accountId, owner(accountId), "WORKFLOW_COMPLETED", at, "workflow_key", "onboarding-" + n);
  }

  private static UsageEvent ssoAttempt(String accountId, int n, Instant at) {
    return event(
        accountId, accountId + "-u" + (1 + n % SEATS), "PAYWALL_HIT", at, "feature_key", SSO);
  }

  private static UsageEvent event(
      String accountId, String user, String kind, Instant at, String... payload) {
    Struct.Builder p = Struct.newBuilder();
    for (int i = 0; i < payload.length; i += 2) {
      p.putFields(payload[i], Value.newBuilder().setStringValue(payload[i + 1]).build());
    }
    return UsageEvent.newBuilder()
        .setEventId(accountId + "/" + user + "/" + kind + "/" + at.getEpochSecond())
        .setAccountId(accountId)
        .setUserId(user)
        .setKind(kind)
        .setOccurredAt(timestamp(at))
        .setPayload(p)
        .build();
  }

  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
