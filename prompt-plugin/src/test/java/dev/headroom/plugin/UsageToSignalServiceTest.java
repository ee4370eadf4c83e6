package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.signal.app.SignalApp;
import dev.headroom.signal.app.SignalConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Usage events through the client to the real signal-service over loopback TCP, across an outage of
 * the service and a lost answer.
 */
class UsageToSignalServiceTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private final int port = Loopback.freePort();
  private SignalApp signal;
  private ManagedChannel channel;
  private ManagedChannel adminChannel;
  private HeadroomClient client;
  private final List<RejectedEvent> rejected = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (adminChannel != null) {
      adminChannel.shutdownNow();
    }
    if (signal != null) {
      signal.close();
    }
  }

  private SignalApp startSignal() {
    var db = PG.database().settings("signal");
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_SIGNAL_DATABASE_URL", db.url());
    env.put("HEADROOM_SIGNAL_DATABASE_USER", db.user());
    env.put("HEADROOM_SIGNAL_DATABASE_PASSWORD", db.password());
    env.put("HEADROOM_SIGNAL_DATABASE_POOL_SIZE", "4");
    env.put("HEADROOM_SIGNAL_PAGING_SECRET", "plugin-test-secret-0123456789");
    env.put("HEADROOM_SIGNAL_GRPC_PORT", Integer.toString(port));
    env.put("HEADROOM_SIGNAL_EVALUATION_FIRST_SWEEP_DELAY", "1h");
    SignalConfig config =
        SignalConfig.from(
            KitConfig.load("signal", "signal.yaml", getClass().getClassLoader(), env));
    return SignalApp.start(config, Clock.systemUTC(), null, false);
  }

  @Test
  void eventsRecordedDuringAnOutageArriveAfterRecoveryAndNoneCountsTwice() {
    signal = startSignal();
    LoseFirstAnswer loseFirstAnswer = new LoseFirstAnswer();
    channel =
        Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create())
            .intercept(loseFirstAnswer)
            .build();
    adminChannel =
        Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
    SignalServiceGrpc.SignalServiceBlockingStub admin =
        SignalServiceGrpc.newBlockingStub(adminChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    seed(admin);
    client =
        HeadroomClient.builder()
            .plaintext()
            .promptService(Loopback.deadTarget())
            .signalService(channel)
            .batching(1000, Duration.ofMillis(50))
            .retry(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMinutes(2))
            .listener(
                new HeadroomListener() {
                  @Override
                  public void onEventsRejected(EventStream stream, List<RejectedEvent> events) {
                    rejected.addAll(events);
                  }
                })
            .build();

    for (int i = 0; i < 30; i++) {
      client.usage().paywallHit("acme", "u-" + (i % 3), "sso");
    }
    Await.until("the first 30 delivered", () -> client.stats().usage().delivered() == 30);
    assertTrue(loseFirstAnswer.lost.get(), "the first answer was lost and the batch resent");

    signal.close();
    signal = null;
    long retriesBefore = client.stats().usage().retries();
    for (int i = 0; i < 20; i++) {
      client.usage().paywallHit("acme", "u-" + (i % 3), "sso");
    }
    Await.until(
        "the client retries while signal-service is down",
        () -> client.stats().usage().retries() > retriesBefore + 1);
    assertEquals(30, client.stats().usage().delivered());

    signal = startSignal();
    Await.until("all 50 delivered", () -> client.stats().usage().delivered() == 50);

    ClientStats.StreamStats usage = client.stats().usage();
    assertEquals(0, usage.rejected());
    assertTrue(usage.undelivered().isEmpty(), usage.toString());

    String refused = client.usage().paywallHit("acme", "u-1", "no_such_feature");
    Await.until("the refusal is reported", () -> !rejected.isEmpty());
    assertEquals(refused, rejected.get(0).eventId());
    assertEquals("payload.feature_key", rejected.get(0).field());
    assertEquals(1, client.stats().usage().rejected());
    SignalServiceGrpc.SignalServiceBlockingStub reader =
        SignalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    assertEquals(
        50,
        reader
            .getUsageSnapshot(GetUsageSnapshotRequest.newBuilder().setAccountId("acme").build())
            .getSnapshot()
            .getPremiumAttempts14D(),
        "each paywall hit counted once");
  }

  /** A catalog where "sso" is a core feature the free plan does not entitle, and acme on free. */
  private static void seed(SignalServiceGrpc.SignalServiceBlockingStub admin) {
    admin.putProduct(
        PutProductRequest.newBuilder()
            .setProduct(Product.newBuilder().setProductKey("core").setDisplayName("Core"))
            .build());
    admin.putFeature(
        PutFeatureRequest.newBuilder()
            .setFeature(Feature.newBuilder().setFeatureKey("sso").setProductKey("core"))
            .build());
    Money zero = Money.newBuilder().setCurrencyCode("USD").build();
    admin.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                Plan.newBuilder()
                    .setPlanKey("free")
                    .setProductKey("core")
                    .setDisplayName("Free")
                    .setSeatPriceMonthly(zero)
                    .setBasePriceMonthly(zero)
                    .setIncludedSeats(3))
            .build());
    Timestamp since =
        Timestamp.newBuilder()
            .setSeconds(Instant.now().minus(Duration.ofDays(30)).getEpochSecond())
            .build();
    admin.putAccount(
        PutAccountRequest.newBuilder()
            .setAccount(
                Account.newBuilder()
                    .setAccountId("acme")
                    .setName("Acme")
                    .setCurrencyCode("USD")
                    .setSignupTime(since)
                    .addSubscriptions(
                        Subscription.newBuilder()
                            .setProductKey("core")
                            .setPlanKey("free")
                            .setSeatsPurchased(3)
                            .setSince(since)))
            .build());
  }

  /**
   * Turns the first successful IngestEvents answer into UNAVAILABLE after the service committed the
   * batch, as a connection lost on the way back would.
   */
  static final class LoseFirstAnswer implements ClientInterceptor {
    final AtomicBoolean lost = new AtomicBoolean();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (!method.getFullMethodName().endsWith("/IngestEvents")) {
        return next.newCall(method, options);
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                private R answer;

                @Override
                public void onMessage(R message) {
                  answer = message;
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                  if (status.isOk() && lost.compareAndSet(false, true)) {
                    super.onClose(
                        Status.UNAVAILABLE.withDescription("answer lost"), new Metadata());
                    return;
                  }
                  if (answer != null) {
                    super.onMessage(answer);
                  }
                  super.onClose(status, trailers);
                }
              },
              headers);
        }
      };
    }
  }
}
