package dev.headroom.app.plugin;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.api.prompt.v1.Copy;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.Offer;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.Trigger;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.app.Platform;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole platform (signal, scoring, prompt and crm services, TCP on 127.0.0.1, random ports) on
 * a test database, set up so that GetPrompt returns a real offer: account "acme" on the free plan
 * is activated, "sso" is a feature of the pro plan, and an active FEATURE_GATE campaign offers pro
 * with English and Arabic copy and a 10 % annual discount. Reads what the services stored, for
 * assertions. A test class registers it as a static extension and shares it across its tests.
 */
final class PlatformWithOffer implements BeforeAllCallback, AfterAllCallback {
  static final String ACCOUNT = "acme";
  static final String FEATURE = "sso";

  private final PostgresExtension postgres = new PostgresExtension();
  private TestDatabase database;
  private Platform platform;
  private ManagedChannel promptChannel;
  private ManagedChannel signalChannel;

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres.beforeAll(context);
    database = postgres.database();
    platform =
        Platform.start(
            Map.of(
                "HEADROOM_DATABASE_URL",
                database.url(),
                "HEADROOM_DATABASE_USER",
                database.user(),
                "HEADROOM_DATABASE_PASSWORD",
                database.password(),
                "HEADROOM_GRPC_PORT",
                "0",
                "HEADROOM_HTTP_PORT",
                "0",
                "HEADROOM_HTTP_HOST",
                "127.0.0.1"));
    promptChannel = plaintext(promptGrpcPort());
    signalChannel = plaintext(signalGrpcPort());
    seed();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (promptChannel != null) {
      promptChannel.shutdownNow();
      signalChannel.shutdownNow();
    }
    if (platform != null) {
      platform.close();
    }
    postgres.afterAll(context);
  }

  int promptGrpcPort() {
    return platform.endpoints().get("prompt").grpcPort();
  }

  int signalGrpcPort() {
    return platform.endpoints().get("signal").grpcPort();
  }

  /** prompt-service's HTTP base URL, e.g. {@code http://127.0.0.1:41234}. */
  String promptHttp() {
    return "http://127.0.0.1:" + platform.endpoints().get("prompt").httpPort();
  }

  /** The prompt events prompt-service stored for a decision: kind to count. */
  Map<String, Integer> storedPromptEvents(String decisionId) {
    Map<String, Integer> kinds = new TreeMap<>();
    try (Connection c =
            DriverManager.getConnection(database.url(), database.user(), database.password());
        PreparedStatement q =
            c.prepareStatement(
                "SELECT kind, count(*) FROM prompt.prompt_event WHERE decision_id = ? GROUP BY"
                    + " kind")) {
      q.setString(1, decisionId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          kinds.put(rs.getString(1), rs.getInt(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return kinds;
  }

  /** signal-service's count of premium attempts (paywall hits of sso) of acme, trailing 14 days. */
  long premiumAttempts() {
    return SignalServiceGrpc.newBlockingStub(signalChannel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .getUsageSnapshot(GetUsageSnapshotRequest.newBuilder().setAccountId(ACCOUNT).build())
        .getSnapshot()
        .getPremiumAttempts14D();
  }

  private void seed() {
    awaitServing("signal-service", signalChannel);
    awaitServing("prompt-service", promptChannel);
    var admin =
        SignalServiceGrpc.newBlockingStub(signalChannel).withDeadlineAfter(30, TimeUnit.SECONDS);
    admin.putProduct(
        PutProductRequest.newBuilder()
            .setProduct(Product.newBuilder().setProductKey("core").setDisplayName("Core"))
            .build());
    admin.putFeature(
        PutFeatureRequest.newBuilder()
            .setFeature(
                Feature.newBuilder()
                    .setFeatureKey(FEATURE)
                    .setProductKey("core")
                    .setDisplayName("SSO"))
            .build());
    admin.putPlan(plan("pro", 1, "Pro", 4900, null, FEATURE));
    admin.putPlan(plan("free", 0, "Free", 0, "pro", null));
    Timestamp since = ts(Instant.now().minus(Duration.ofDays(30)));
    admin.putAccount(
        PutAccountRequest.newBuilder()
            .setAccount(
                Account.newBuilder()
                    .setAccountId(ACCOUNT)
                    .setName("Acme")
                    .setCurrencyCode("USD")
                    .setLocale("en-US")
                    .setSignupTime(since)
                    .addSubscriptions(
                        Subscription.newBuilder()
                            .setProductKey("core")
                            .setPlanKey("free")
                            .setSeatsPurchased(3)
                            .setSince(since)))
            .build());
    // Activated: three users active and a workflow completed.
    IngestEventsRequest.Builder activation = IngestEventsRequest.newBuilder();
    Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
    for (int i = 1; i <= 3; i++) {
      activation.addEvents(event("seed-active-" + i, "u-" + i, hourAgo, "USER_ACTIVE", Map.of()));
    }
    activation.addEvents(
        event(
            "seed-workflow",
            "u-1",
            hourAgo,
            "WORKFLOW_COMPLETED",
            Map.of("workflow_key", "report")));
    admin.ingestEvents(activation.build());

    PromptServiceGrpc.newBlockingStub(promptChannel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createCampaign(
            CreateCampaignRequest.newBuilder()
                .setCampaign(
                    Campaign.newBuilder()
                        .setCampaignId("sso-gate")
                        .setName("SSO gate")
                        .setStatus(CampaignStatus.CAMPAIGN_STATUS_ACTIVE)
                        .setTrigger(
                            Trigger.newBuilder()
                                .setType(TriggerType.TRIGGER_TYPE_FEATURE_GATE)
                                .addFeatureKeys(FEATURE))
                        .addSurfaces(Surface.SURFACE_FEATURE_USE)
                        .setPriority(10)
                        .setDefaultLocale("en")
                        .putCopy(
                            "en",
                            copy(
                                "Unlock {feature_name}",
                                "Sign in with your identity provider on {target_plan}.",
                                "Upgrade",
                                "Ask your admin for {target_plan}.",
                                "Request upgrade"))
                        .putCopy(
                            "ar",
                            copy(
                                "افتح {feature_name}",
                                "سجّل الدخول عبر مزود الهوية في خطة {target_plan}.",
                                "ترقية",
                                "اطلب {target_plan} من المسؤول.",
                                "اطلب الترقية"))
                        .setOffer(
                            Offer.newBuilder()
                                .setDiscountPercent(10)
                                .setAnnualBilling(true)
                                .setCtaUrlTemplate("/checkout?plan={plan_key}&seats={seats}")))
                .setRequestId("seed-sso-gate")
                .build());
    var prompts = PromptServiceGrpc.newBlockingStub(promptChannel);
    AtomicReference<String> lastAnswer = new AtomicReference<>("no answer yet");
    try {
      Await.until(
          "prompt-service offers pro to acme's owners",
          Duration.ofMinutes(2),
          () -> {
            try {
              GetPromptResponse answer =
                  prompts
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .getPrompt(
                          GetPromptRequest.newBuilder()
                              .setAccountId(ACCOUNT)
                              .setUserId("seed-probe")
                              .setFeatureKey(FEATURE)
                              .setSurface(Surface.SURFACE_FEATURE_USE)
                              .setUserRole(UserRole.USER_ROLE_OWNER)
                              .build());
              lastAnswer.set(answer.hasPrompt() ? "a prompt" : answer.getNoPromptReason().name());
              return answer.hasPrompt();
            } catch (StatusRuntimeException e) {
              lastAnswer.set(e.getStatus().getCode().name());
              return false;
            }
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; its last answer: " + lastAnswer.get(), e);
    }
  }

  private static void awaitServing(String service, ManagedChannel channel) {
    var health = HealthGrpc.newBlockingStub(channel);
    Await.until(
        service + " SERVING",
        Duration.ofMinutes(2),
        () -> {
          try {
            return health
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()
                == ServingStatus.SERVING;
          } catch (StatusRuntimeException e) {
            return false;
          }
        });
  }

  private static PutPlanRequest plan(
      String key, int rank, String name, long basePrice, String next, String feature) {
    Plan.Builder p =
        Plan.newBuilder()
            .setPlanKey(key)
            .setProductKey("core")
            .setTierRank(rank)
            .setDisplayName(name)
            .setIncludedSeats(10)
            .setSeatPriceMonthly(usd(0))
            .setBasePriceMonthly(usd(basePrice));
    if (next != null) {
      p.setNextPlanKey(next);
    }
    if (feature != null) {
      p.addEntitledFeatureKeys(feature);
    }
    return PutPlanRequest.newBuilder().setPlan(p).build();
  }

  private static Copy copy(
      String title, String body, String cta, String memberBody, String memberCta) {
    return Copy.newBuilder()
        .setTitle(title)
        .setBody(body)
        .setCtaLabel(cta)
        .setMemberBody(memberBody)
        .setMemberCtaLabel(memberCta)
        .build();
  }

  private static UsageEvent event(
      String id, String user, Instant at, String kind, Map<String, String> payload) {
    Struct.Builder p = Struct.newBuilder();
    payload.forEach((k, v) -> p.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return UsageEvent.newBuilder()
        .setEventId(id)
        .setAccountId(ACCOUNT)
        .setUserId(user)
        .setOccurredAt(ts(at))
        .setKind(kind)
        .setPayload(p)
        .build();
  }

  private static Money usd(long minor) {
    return Money.newBuilder().setCurrencyCode("USD").setMinorUnits(minor).build();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static ManagedChannel plaintext(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }
}
