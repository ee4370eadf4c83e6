package dev.headroom.signal.service;

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
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.signal.app.SignalApp;
import dev.headroom.signal.app.SignalConfig;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starts the real service (in-process gRPC, HTTP on 127.0.0.1) on a test database, plus event
 * builders.
 */
final class SignalTestSupport implements AutoCloseable {
  final SignalApp app;
  final ManagedChannel channel;
  final SignalServiceGrpc.SignalServiceBlockingStub stub;

  private SignalTestSupport(SignalApp app, ManagedChannel channel) {
    this.app = app;
    this.channel = channel;
    this.stub = SignalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** A clock the test moves forward, as time passes for the service. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * A live WatchAccountChanges stream: its messages queue up until the test takes them; close
   * cancels it.
   */
  final class Watch implements AutoCloseable {
    final BlockingQueue<WatchAccountChangesResponse> changes = new LinkedBlockingQueue<>();
    private final Context.CancellableContext context = Context.current().withCancellation();

    private Watch(long afterCursor) {
      context.run(
          () ->
              SignalServiceGrpc.newStub(channel)
                  .watchAccountChanges(
                      WatchAccountChangesRequest.newBuilder().setAfterCursor(afterCursor).build(),
                      new StreamObserver<>() {
                        @Override
                        public void onNext(WatchAccountChangesResponse v) {
                          changes.add(v);
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                      }));
    }

    @Override
    public void close() {
      context.cancel(null);
    }
  }

  /** Watches the changes after {@code afterCursor}. */
  Watch watch(long afterCursor) {
    return new Watch(afterCursor);
  }

  /** The cursor of the latest change written so far (0 when none). */
  long lastCursor() {
    return app.database()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT COALESCE(max(last_seq), 0) FROM outbox_stream")
                    .mapTo(Long.class)
                    .one());
  }

  static SignalConfig config(TestDatabase db) {
    return config(db, Map.of());
  }

  /** The test configuration with {@code overrides} (environment variable names) on top. */
  static SignalConfig config(TestDatabase db, Map<String, String> overrides) {
    var s = db.settings("signal");
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_SIGNAL_DATABASE_URL", s.url());
    env.put("HEADROOM_SIGNAL_DATABASE_USER", s.user());
    env.put("HEADROOM_SIGNAL_DATABASE_PASSWORD", s.password());
    env.put("HEADROOM_SIGNAL_DATABASE_POOL_SIZE", "6");
    env.put("HEADROOM_SIGNAL_PAGING_SECRET", "signal-test-secret-0123456789");
    env.put("HEADROOM_SIGNAL_GRPC_PORT", "0");
    env.put("HEADROOM_SIGNAL_HTTP_PORT", "0");
    env.put("HEADROOM_SIGNAL_HTTP_HOST", "127.0.0.1");
    // Tests drive evaluation through events and EvaluateSignals; the periodic sweep would only add
    // noise.
    env.put("HEADROOM_SIGNAL_EVALUATION_FIRST_SWEEP_DELAY", "1h");
    env.put("HEADROOM_SIGNAL_EVALUATION_METRICS_DEBOUNCE", "200ms");
    env.put("HEADROOM_SIGNAL_OUTBOX_WATCH_POLL_INTERVAL", "200ms");
    env.putAll(overrides);
    return SignalConfig.from(
        KitConfig.load("signal", "signal.yaml", SignalTestSupport.class.getClassLoader(), env));
  }

  static SignalTestSupport start(TestDatabase db) {
    return start(db, Clock.systemUTC());
  }

  /** With a clock the test controls: evaluation instants and "now" come from it. */
  static SignalTestSupport start(TestDatabase db, Clock clock) {
    return start(config(db), clock);
  }

  static SignalTestSupport start(SignalConfig config, Clock clock) {
    String name = "signal-test-" + UUID.randomUUID();
    SignalApp app = SignalApp.start(config, clock, name, true);
    return new SignalTestSupport(app, InProcessChannelBuilder.forName(name).build());
  }

  /** Serving gRPC over TCP on 127.0.0.1, as a real client sees it (metadata limits included). */
  static SignalTestSupport startOverTcp(TestDatabase db) {
    SignalApp app = SignalApp.start(config(db), Clock.systemUTC(), null, true);
    return new SignalTestSupport(
        app, ManagedChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext().build());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    app.close();
  }

  // ---- catalog fixture
  // -----------------------------------------------------------------------------------

  /**
   * core: free (3 seats) -> pro (5 seats included, sso, api_calls 1000) -> enterprise; analytics:
   * starter.
   */
  void seedCatalog() {
    stub.putProduct(
        PutProductRequest.newBuilder()
            .setProduct(
                Product.newBuilder()
                    .setProductKey("core")
                    .setDisplayName("Core")
                    .setCatalogOrder(0))
            .build());
    stub.putProduct(
        PutProductRequest.newBuilder()
            .setProduct(
                Product.newBuilder()
                    .setProductKey("analytics")
                    .setDisplayName("Analytics")
                    .setCatalogOrder(1))
            .build());
    stub.putMeter(
        PutMeterRequest.newBuilder()
            .setMeter(
                Meter.newBuilder()
                    .setMeterKey("api_calls")
                    .setUnit("calls")
                    .setAggregation(MeterAggregation.METER_AGGREGATION_SUM))
            .build());
    stub.putMeter(
        PutMeterRequest.newBuilder()
            .setMeter(
                Meter.newBuilder()
                    .setMeterKey("storage_gb")
                    .setUnit("GB")
                    .setAggregation(MeterAggregation.METER_AGGREGATION_LAST))
            .build());
    for (String f : new String[] {"reports", "sso", "audit_log"}) {
      stub.putFeature(
          PutFeatureRequest.newBuilder()
              .setFeature(
                  Feature.newBuilder()
                      .setFeatureKey(f)
                      .setProductKey("core")
                      .setAdvanced(f.equals("audit_log")))
              .build());
    }
    stub.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                plan("enterprise", 2, 3000, 50_000, 20)
                    .addEntitledFeatureKeys("reports")
                    .addEntitledFeatureKeys("sso")
                    .addEntitledFeatureKeys("audit_log"))
            .build());
    stub.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                plan("pro", 1, 1500, 0, 5)
                    .addEntitledFeatureKeys("reports")
                    .addEntitledFeatureKeys("sso")
                    .putMeterLimits("api_calls", 1000)
                    .setNextPlanKey("enterprise"))
            .build());
    stub.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                plan("free", 0, 0, 0, 3).addEntitledFeatureKeys("reports").setNextPlanKey("pro"))
            .build());
    stub.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                Plan.newBuilder()
                    .setPlanKey("starter")
                    .setProductKey("analytics")
                    .setTierRank(1)
                    .setSeatPriceMonthly(usd(900))
                    .setBasePriceMonthly(usd(0)))
            .build());
  }

  static Plan.Builder plan(String key, int rank, long seatPrice, long basePrice, int included) {
    return Plan.newBuilder()
        .setPlanKey(key)
        .setProductKey("core")
        .setTierRank(rank)
        .setDisplayName(key)
        .setSeatPriceMonthly(usd(seatPrice))
        .setBasePriceMonthly(usd(basePrice))
        .setIncludedSeats(included);
  }

  static Money usd(long minor) {
    return Money.newBuilder().setCurrencyCode("USD").setMinorUnits(minor).build();
  }

  void putAccount(String accountId, String plan, int seats, Instant since) {
    stub.putAccount(
        PutAccountRequest.newBuilder()
            .setAccount(
                Account.newBuilder()
                    .setAccountId(accountId)
                    .setName("Acme " + accountId)
                    .setCurrencyCode("USD")
                    .setSignupTime(ts(since))
                    .addSubscriptions(
                        Subscription.newBuilder()
                            .setProductKey("core")
                            .setPlanKey(plan)
                            .setSeatsPurchased(seats)
                            .setSince(ts(since))))
            .build());
  }

  // ---- events
  // --------------------------------------------------------------------------------------------

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  static UsageEvent.Builder event(
      String id,
      String account,
      String user,
      Instant at,
      String kind,
      Map<String, Object> payload) {
    UsageEvent.Builder b =
        UsageEvent.newBuilder()
            .setEventId(id)
            .setAccountId(account)
            .setOccurredAt(ts(at))
            .setKind(kind)
            .setPayload(struct(payload));
    if (user != null) {
      b.setUserId(user);
    }
    return b;
  }

  static Struct struct(Map<String, Object> m) {
    Struct.Builder s = Struct.newBuilder();
    m.forEach(
        (k, v) ->
            s.putFields(
                k,
                switch (v) {
                  case String str -> Value.newBuilder().setStringValue(str).build();
                  case Number n -> Value.newBuilder().setNumberValue(n.doubleValue()).build();
                  case Boolean bo -> Value.newBuilder().setBoolValue(bo).build();
                  default ->
                      Value.newBuilder()
                          .setNullValue(com.google.protobuf.NullValue.NULL_VALUE)
                          .build();
                }));
    return s.build();
  }

  static void await(String what, Duration max, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
