package dev.headroom.scoring.testing;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.EvidenceItem;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.scoring.app.ScoringConfig;
import dev.headroom.scoring.mapping.ScoreProtos;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** Catalog, snapshots and configuration shared by the scoring tests. */
public final class Fixtures {
  private Fixtures() {}

  public static Money usd(long minor) {
    return Money.newBuilder().setCurrencyCode("USD").setMinorUnits(minor).build();
  }

  /**
   * core: free (3 seats) → pro (5 included, 15.00/seat) → enterprise (500.00 base, 20 included);
   * analytics.
   */
  public static Catalog catalog() {
    return Catalog.newBuilder()
        .addProducts(
            Product.newBuilder().setProductKey("core").setDisplayName("Core").setCatalogOrder(0))
        .addProducts(
            Product.newBuilder()
                .setProductKey("analytics")
                .setDisplayName("Analytics")
                .setCatalogOrder(1))
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
        .addPlans(
            plan("enterprise", "core", 2, 3000, 50_000, 20)
                .addEntitledFeatureKeys("reports")
                .addEntitledFeatureKeys("sso")
                .addEntitledFeatureKeys("audit_log"))
        .addPlans(plan("starter", "analytics", 1, 900, 0, 0))
        .build();
  }

  public static Plan.Builder plan(
      String key, String product, int rank, long seatPrice, long base, int included) {
    return Plan.newBuilder()
        .setPlanKey(key)
        .setProductKey(product)
        .setTierRank(rank)
        .setDisplayName(key)
        .setSeatPriceMonthly(usd(seatPrice))
        .setBasePriceMonthly(usd(base))
        .setIncludedSeats(included);
  }

  /** A snapshot of an activated account on "pro" with the given metrics and no signals. */
  public static UsageSnapshot.Builder snapshot(
      String accountId,
      Instant asOf,
      int seatsUsed,
      int seatsPurchased,
      int engagement,
      int premium30d,
      int newUsers30d,
      int workflows30d) {
    return UsageSnapshot.newBuilder()
        .setAccountId(accountId)
        .setAsOf(ScoreProtos.ts(asOf))
        .setAccount(
            Account.newBuilder()
                .setAccountId(accountId)
                .setName("Account " + accountId)
                .setCurrencyCode("USD")
                .setActivated(true)
                .addSubscriptions(
                    Subscription.newBuilder()
                        .setProductKey("core")
                        .setPlanKey("pro")
                        .setSeatsPurchased(seatsPurchased)))
        .setSeatsUsed(seatsUsed)
        .setSeatsPurchased(Math.max(seatsPurchased, 5))
        .setActiveUsers7D(Math.min(seatsUsed, 3))
        .setActiveDays28(10)
        .setEngagementScore(engagement)
        .setPremiumAttempts30D(premium30d)
        .setNewUsers30D(newUsers30d)
        .setWorkflowsCompleted30D(workflows30d);
  }

  public static Signal signal(
      String accountId, SignalType type, ExpansionType expansion, Instant since) {
    return Signal.newBuilder()
        .setSignalId(accountId + "-" + type.name())
        .setAccountId(accountId)
        .setType(type)
        .setStatus(SignalStatus.SIGNAL_STATUS_ACTIVE)
        .setSince(ScoreProtos.ts(since))
        .setExpansionType(expansion)
        .addEvidence(
            EvidenceItem.newBuilder()
                .setMetric("seats_utilization")
                .setValue("1")
                .setThreshold("0.80")
                .setDescription("all seats used"))
        .setRuleVersion(1)
        .build();
  }

  /**
   * Environment that points scoring-service at a test database and at signal-service under {@code
   * peer}.
   */
  public static Map<String, String> env(TestDatabase db, String signalPeer) {
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_SCORING_DATABASE_URL", db.url());
    env.put("HEADROOM_SCORING_DATABASE_USER", db.user());
    env.put("HEADROOM_SCORING_DATABASE_PASSWORD", db.password());
    env.put("HEADROOM_SCORING_DATABASE_POOL_SIZE", "6");
    env.put("HEADROOM_SCORING_PAGING_SECRET", "scoring-test-secret-0123456789");
    env.put("HEADROOM_SCORING_GRPC_PORT", "0");
    env.put("HEADROOM_SCORING_HTTP_PORT", "0");
    env.put("HEADROOM_SCORING_HTTP_HOST", "127.0.0.1");
    env.put("HEADROOM_SCORING_PEERS_SIGNAL", signalPeer);
    env.put("HEADROOM_SCORING_OUTBOX_WATCH_POLL_INTERVAL", "200ms");
    env.put("HEADROOM_SCORING_RESCORE_BATCH_SIZE", "7");
    return env;
  }

  public static ScoringConfig config(TestDatabase db, String signalPeer) {
    return ScoringConfig.from(
        KitConfig.load(
            "scoring", "scoring.yaml", Fixtures.class.getClassLoader(), env(db, signalPeer)));
  }
}
