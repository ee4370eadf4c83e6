package dev.headroom.scoring.testing;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.signal.app.SignalApp;
import dev.headroom.signal.app.SignalConfig;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real signal-service on its own database, serving gRPC on 127.0.0.1 (random port), with a
 * client and helpers to put the catalog, accounts and events the way a host product would.
 */
public final class RealSignal implements AutoCloseable {
  public final TestDatabase database;
  public final SignalApp app;
  public final ManagedChannel channel;
  private final SignalServiceGrpc.SignalServiceBlockingStub stub;

  private RealSignal(TestDatabase database, SignalApp app) {
    this.database = database;
    this.app = app;
    this.channel =
        Grpc.newChannelBuilder("127.0.0.1:" + app.grpcPort(), InsecureChannelCredentials.create())
            .build();
    this.stub = SignalServiceGrpc.newBlockingStub(channel);
  }

  public static RealSignal start(Map<String, String> extraEnv) {
    TestDatabase db = PostgresServer.shared().createDatabase();
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_SIGNAL_DATABASE_URL", db.url());
    env.put("HEADROOM_SIGNAL_DATABASE_USER", db.user());
    env.put("HEADROOM_SIGNAL_DATABASE_PASSWORD", db.password());
    env.put("HEADROOM_SIGNAL_DATABASE_POOL_SIZE", "6");
    env.put("HEADROOM_SIGNAL_PAGING_SECRET", "signal-test-secret-for-scoring-tests");
    env.put("HEADROOM_SIGNAL_GRPC_PORT", "0");
    // Changes come from the events the test sends; a periodic sweep would only add noise.
    env.put("HEADROOM_SIGNAL_EVALUATION_FIRST_SWEEP_DELAY", "1h");
    env.put("HEADROOM_SIGNAL_EVALUATION_METRICS_DEBOUNCE", "100ms");
    env.put("HEADROOM_SIGNAL_OUTBOX_WATCH_POLL_INTERVAL", "200ms");
    env.putAll(extraEnv);
    SignalConfig config =
        SignalConfig.from(
            KitConfig.load("signal", "signal.yaml", RealSignal.class.getClassLoader(), env));
    return new RealSignal(db, SignalApp.start(config, Clock.systemUTC(), null, false));
  }

  /** host:port for the scoring service's {@code peers.signal}. */
  public String address() {
    return "127.0.0.1:" + app.grpcPort();
  }

  public SignalServiceGrpc.SignalServiceBlockingStub stub() {
    return stub.withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** The same catalog as {@link Fixtures#catalog()}, written through the API. */
  public void putCatalog() {
    stub()
        .putProduct(
            PutProductRequest.newBuilder()
                .setProduct(
                    Product.newBuilder()
                        .setProductKey("core")
                        .setDisplayName("Core")
                        .setCatalogOrder(0))
                .build());
    stub()
        .putProduct(
            PutProductRequest.newBuilder()
                .setProduct(
                    Product.newBuilder()
                        .setProductKey("analytics")
                        .setDisplayName("Analytics")
                        .setCatalogOrder(1))
                .build());
    for (String f : List.of("reports", "sso", "audit_log")) {
      stub()
          .putFeature(
              PutFeatureRequest.newBuilder()
                  .setFeature(
                      Feature.newBuilder().setFeatureKey(f).setProductKey("core").setDisplayName(f))
                  .build());
    }
    dev.headroom.api.signal.v1.Catalog c = Fixtures.catalog();
    // Upgrade paths must point at plans that exist: write from the top of each path down.
    for (String key : List.of("enterprise", "pro", "free", "starter")) {
      Plan plan =
          c.getPlansList().stream()
              .filter(p -> p.getPlanKey().equals(key))
              .findFirst()
              .orElseThrow();
      stub()
          .putPlan(
              PutPlanRequest.newBuilder().setPlan(plan.toBuilder().clearMeterLimits()).build());
    }
  }

  public void putAccount(String accountId, String plan, int seats, Instant since) {
    stub()
        .putAccount(
            PutAccountRequest.newBuilder()
                .setAccount(
                    Account.newBuilder()
                        .setAccountId(accountId)
                        .setName("Account " + accountId)
                        .setCurrencyCode("USD")
                        .setSignupTime(ScoreProtos.ts(since))
                        .addSubscriptions(
                            Subscription.newBuilder()
                                .setProductKey("core")
                                .setPlanKey(plan)
                                .setSeatsPurchased(seats)
                                .setSince(ScoreProtos.ts(since))))
                .build());
  }

  public static UsageEvent event(
      String id,
      String account,
      String user,
      Instant at,
      String kind,
      Map<String, String> payload) {
    Struct.Builder s = Struct.newBuilder();
    payload.forEach((k, v) -> s.putFields(k, Value.newBuilder().setStringValue(v).build()));
    UsageEvent.Builder b =
        UsageEvent.newBuilder()
            .setEventId(id)
            .setAccountId(account)
            .setOccurredAt(ScoreProtos.ts(at))
            .setKind(kind)
            .setPayload(s);
    if (user != null) {
      b.setUserId(user);
    }
    return b.build();
  }

  public IngestEventsResponse ingest(List<UsageEvent> events) {
    IngestEventsResponse r =
        stub().ingestEvents(IngestEventsRequest.newBuilder().addAllEvents(events).build());
    if (r.getRejectedCount() > 0) {
      throw new AssertionError("events rejected: " + r.getResultsList());
    }
    return r;
  }

  /**
   * Events that make an account on "pro" (5 seats) activated, at full seat utilization sustained
   * for 20 days, with 5 premium attempts of audit_log: SEAT_UTILIZATION_HIGH,
   * PREMIUM_FEATURE_DEMAND and MULTI_SIGNAL fire.
   */
  public static List<UsageEvent> expansionReady(String account, Instant now) {
    List<UsageEvent> events = new java.util.ArrayList<>();
    Instant added = now.minus(java.time.Duration.ofDays(20));
    for (int u = 1; u <= 5; u++) {
      events.add(
          event(
              account + "-add-" + u,
              account,
              account + "-u" + u,
              added,
              "USER_ADDED",
              Map.of("role", u == 1 ? "OWNER" : "MEMBER")));
    }
    Instant recent = now.minusSeconds(60);
    for (int u = 1; u <= 3; u++) {
      events.add(
          event(
              account + "-active-" + u,
              account,
              account + "-u" + u,
              recent,
              "USER_ACTIVE",
              Map.of()));
    }
    events.add(
        event(
            account + "-wf-1",
            account,
            account + "-u1",
            recent,
            "WORKFLOW_COMPLETED",
            Map.of("workflow_key", "onboarding")));
    for (int i = 1; i <= 5; i++) {
      events.add(
          event(
              account + "-premium-" + i,
              account,
              account + "-u1",
              recent.plusMillis(i),
              "FEATURE_USED",
              Map.of("feature_key", "audit_log")));
    }
    return events;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    app.close();
    database.drop();
  }
}
