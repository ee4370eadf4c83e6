package dev.headroom.prompt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.FunnelStage;
import dev.headroom.api.prompt.v1.GetPromptFunnelRequest;
import dev.headroom.api.prompt.v1.GetPromptFunnelResponse;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptFunnelRow;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetPromptFunnel counts a scripted period exactly: exposures by decision time, events by their own
 * time, each attributed to its decision's campaign arm (a conversion without a decision to its
 * account's latest exposure), over gRPC and as JSON over HTTP.
 */
class PromptFunnelTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @SuppressWarnings("TimeInStaticInitializer")
  private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private static final Instant FROM = T.minus(Duration.ofHours(1));
  private static final Instant TO = T.plus(Duration.ofDays(7));
  private static FakeUpstreams upstreams;
  private static PromptApp app;
  private static ManagedChannel channel;
  private static PromptServiceGrpc.PromptServiceBlockingStub stub;
  private static int eventIds;

  @BeforeAll
  static void scriptThePeriod() throws Exception {
    upstreams = new FakeUpstreams(PromptFixtures.catalog());
    String name = "prompt-funnel-" + UUID.randomUUID();
    app =
        PromptApp.start(
            PromptFixtures.config(PG.database(), upstreams.peer()), Clock.systemUTC(), name, true);
    channel = InProcessChannelBuilder.forName(name).build();
    stub = PromptServiceGrpc.newBlockingStub(channel);
    for (String account : List.of("f-1", "f-2", "f-3")) {
      upstreams.publish(PromptFixtures.snapshot(account), ChangeKind.CHANGE_KIND_METRICS);
      upstreams.publish(
          PromptFixtures.score(account, RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
    }
    Await.until(
        "context fed",
        () ->
            app.context().rebuilt()
                && app.context().account("f-3").flatMap(a -> a.score()).isPresent()
                && app.context().catalog().feature("life").isPresent());
    // fun-a runs a one-variant experiment ("only"); fun-b runs none.
    stub.createCampaign(
        CreateCampaignRequest.newBuilder()
            .setCampaign(PromptFixtures.featureGate("fun-a", "life"))
            .build());
    stub.createCampaign(
        CreateCampaignRequest.newBuilder()
            .setCampaign(PromptFixtures.featureGate("fun-b", "crud"))
            .build());
    stub.createExperiment(
        CreateExperimentRequest.newBuilder()
            .setExperiment(
                Experiment.newBuilder()
                    .setExperimentId("fun-x")
                    .setCampaignId("fun-a")
                    .setName("funnel")
                    .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
                    .addVariants(
                        Variant.newBuilder().setVariantKey("only").setControl(true).setWeight(1)))
            .build());
    stub.startExperiment(StartExperimentRequest.newBuilder().setExperimentId("fun-x").build());

    String d1 = prompted("f-1", "u1", "life", T);
    String d2 = prompted("f-2", "u1", "life", T);
    String d3 = prompted("f-3", "u1", "crud", T);
    String d0 = prompted("f-1", "u2", "life", T.minus(Duration.ofDays(10))); // before the period
    app.exposures().awaitWritten();

    report(decided(d1, PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T.plusSeconds(1)));
    report(decided(d1, PromptEventKind.PROMPT_EVENT_KIND_CLICKED, T.plusSeconds(5)));
    report(
        decided(d1, PromptEventKind.PROMPT_EVENT_KIND_CONVERTED, T.plus(Duration.ofHours(1)))
            .setRevenue(PromptFixtures.usd(1000)));
    report(decided(d2, PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T.plusSeconds(1)));
    report(decided(d2, PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T.plusSeconds(60)));
    report(decided(d2, PromptEventKind.PROMPT_EVENT_KIND_DISMISSED, T.plusSeconds(61)));
    report(decided(d3, PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T.plusSeconds(1)));
    // A purchase on the billing page: no decision, attributed to f-3/u1's exposure (fun-b).
    report(
        event(PromptEventKind.PROMPT_EVENT_KIND_CONVERTED, T.plus(Duration.ofDays(2)))
            .setAccountId("f-3")
            .setUserId("u1")
            .setRevenue(PromptFixtures.usd(500)));
    // A click in the period on a prompt exposed before it counts for its arm.
    report(decided(d0, PromptEventKind.PROMPT_EVENT_KIND_CLICKED, T.plusSeconds(30)));
    // After the period: not counted.
    report(decided(d1, PromptEventKind.PROMPT_EVENT_KIND_SHOWN, TO));
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    upstreams.close();
  }

  private static String prompted(String account, String user, String feature, Instant at) {
    var r =
        stub.getPrompt(
            GetPromptRequest.newBuilder()
                .setAccountId(account)
                .setUserId(user)
                .setFeatureKey(feature)
                .setSurface(Surface.SURFACE_FEATURE_USE)
                .setUserRole(UserRole.USER_ROLE_ADMIN)
                .setRequestTime(ts(at))
                .build());
    assertTrue(r.hasPrompt(), account + "/" + user + ": " + r.getNoPromptReason());
    return r.getDecisionId();
  }

  private static PromptEvent.Builder event(PromptEventKind kind, Instant at) {
    return PromptEvent.newBuilder()
        .setEventId("fe-" + ++eventIds)
        .setKind(kind)
        .setOccurredAt(ts(at));
  }

  private static PromptEvent.Builder decided(String decisionId, PromptEventKind kind, Instant at) {
    return event(kind, at).setDecisionId(decisionId);
  }

  private static void report(PromptEvent.Builder e) {
    var r = stub.reportPromptEvents(ReportPromptEventsRequest.newBuilder().addEvents(e).build());
    assertTrue(r.getResults(0).getAccepted(), r.toString());
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).build();
  }

  private static FunnelStage stage(long events, long users) {
    return FunnelStage.newBuilder().setEvents(events).setUsers(users).build();
  }

  private static GetPromptFunnelResponse funnel(String campaignId) {
    return stub.getPromptFunnel(
        GetPromptFunnelRequest.newBuilder()
            .setFrom(ts(FROM))
            .setTo(ts(TO))
            .setCampaignId(campaignId)
            .build());
  }

  private static final PromptFunnelRow FUN_A =
      PromptFunnelRow.newBuilder()
          .setCampaignId("fun-a")
          .setExperimentId("fun-x")
          .setVariantKey("only")
          .setExposed(stage(2, 2))
          .setShown(stage(3, 2))
          .setClicked(stage(2, 2))
          .setDismissed(stage(1, 1))
          .setConverted(stage(1, 1))
          .addRevenue(Money.newBuilder().setCurrencyCode("USD").setMinorUnits(1000))
          .build();

  private static final PromptFunnelRow FUN_B =
      PromptFunnelRow.newBuilder()
          .setCampaignId("fun-b")
          .setExposed(stage(1, 1))
          .setShown(stage(1, 1))
          .setClicked(stage(0, 0))
          .setDismissed(stage(0, 0))
          .setConverted(stage(1, 1))
          .addRevenue(Money.newBuilder().setCurrencyCode("USD").setMinorUnits(500))
          .build();

  @Test
  void eachArmCountsItsExposuresAndAttributedEventsInThePeriod() {
    assertEquals(List.of(FUN_A, FUN_B), funnel("").getRowsList());
  }

  @Test
  void aCampaignFilterKeepsOnlyItsRows() {
    assertEquals(List.of(FUN_B), funnel("fun-b").getRowsList());
  }

  @Test
  void aPeriodThatIsNotOneIsAnInvalidArgumentNamingTheField() {
    StatusRuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getPromptFunnel(
                    GetPromptFunnelRequest.newBuilder().setFrom(ts(TO)).setTo(ts(FROM)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("to"), List.copyOf(PromptApiTest.violations(e).keySet()));
  }

  @Test
  void theHttpRouteServesTheSameFunnelAsJson() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + app.httpPort() + "/v1/prompt-funnel";
    HttpResponse<String> ok =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "?from=" + FROM + "&to=" + TO)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ok.statusCode(), ok.body());
    GetPromptFunnelResponse.Builder parsed = GetPromptFunnelResponse.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(ok.body(), parsed);
    assertEquals(List.of(FUN_A, FUN_B), parsed.getRowsList());

    HttpResponse<String> bad =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "?from=yesterday&to=" + TO)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("\"field\":\"from\""), bad.body());
  }
}
