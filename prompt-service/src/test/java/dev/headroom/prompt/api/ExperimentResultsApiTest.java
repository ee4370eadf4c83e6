package dev.headroom.prompt.api;

import static dev.headroom.prompt.testing.PromptFixtures.featureGate;
import static dev.headroom.prompt.testing.PromptFixtures.score;
import static dev.headroom.prompt.testing.PromptFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.AnalysisOptions;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataRequest;
import dev.headroom.api.prompt.v1.ArmAggregate;
import dev.headroom.api.prompt.v1.ArmComparison;
import dev.headroom.api.prompt.v1.ArmData;
import dev.headroom.api.prompt.v1.ArmRole;
import dev.headroom.api.prompt.v1.ArmSummary;
import dev.headroom.api.prompt.v1.CannotCompareReason;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.ExperimentResults;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesRequest;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.Lift;
import dev.headroom.api.prompt.v1.MetricComparison;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.UnitAggregates;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.mapping.ResultsProtos;
import dev.headroom.prompt.results.ExperimentReports;
import dev.headroom.prompt.stats.ExperimentAnalyzer;
import dev.headroom.prompt.stats.ExperimentData;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetExperimentResults, AnalyzeExperimentData and their HTTP JSON routes over in-process gRPC and
 * loopback HTTP on a real PostgreSQL.
 */
class ExperimentResultsApiTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  static final ObjectMapper JSON = new ObjectMapper();

  static FakeUpstreams upstreams;
  static PromptApp app;
  static ManagedChannel channel;
  static PromptServiceGrpc.PromptServiceBlockingStub stub;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    upstreams = new FakeUpstreams(PromptFixtures.catalog());
    String name = "prompt-" + UUID.randomUUID();
    app =
        PromptApp.start(
            PromptFixtures.config(PG.database(), upstreams.peer()), Clock.systemUTC(), name, true);
    channel = InProcessChannelBuilder.forName(name).build();
    stub = PromptServiceGrpc.newBlockingStub(channel);
    http = HttpClient.newHttpClient();
    Await.until("context rebuilt", () -> app.context().rebuilt());
    Await.until("catalog read", () -> app.context().catalog().feature("sso").isPresent());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    upstreams.close();
    http.close();
  }

  /** A started two-arm experiment on a feature gate, with no exposures yet. */
  static void startExperiment(String id) {
    stub.createCampaign(
        CreateCampaignRequest.newBuilder()
            .setCampaign(featureGate(id + "-gate", "agg").setPriority(4000))
            .build());
    stub.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(design(id)).build());
    stub.startExperiment(StartExperimentRequest.newBuilder().setExperimentId(id).build());
  }

  static Experiment.Builder design(String id) {
    return Experiment.newBuilder()
        .setExperimentId(id)
        .setCampaignId(id + "-gate")
        .setName("exp " + id)
        .addVariants(Variant.newBuilder().setVariantKey("control").setControl(true).setWeight(1))
        .addVariants(Variant.newBuilder().setVariantKey("treatment").setWeight(1));
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
  }

  static ExperimentResults results(String id, boolean sequential) {
    return stub.getExperimentResults(
            GetExperimentResultsRequest.newBuilder()
                .setExperimentId(id)
                .setOptions(AnalysisOptions.newBuilder().setSequential(sequential))
                .build())
        .getResults();
  }

  @Test
  void resultsOfARunningExperimentAreTheAnalyzersOnItsStoredAggregates() throws Exception {
    startExperiment("res-x");
    Map<String, String> variantOf = new HashMap<>();
    ReportPromptEventsRequest.Builder events = ReportPromptEventsRequest.newBuilder();
    for (int i = 0; i < 12; i++) {
      String acct = "res-" + i;
      upstreams.publish(snapshot(acct), ChangeKind.CHANGE_KIND_METRICS);
      upstreams.publish(score(acct, RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
      Await.until(
          "context of " + acct,
          () ->
              app.context()
                  .account(acct)
                  .map(a -> a.usage() != null && a.score().isPresent())
                  .orElse(false));
      Prompt p =
          stub.getPrompt(
                  GetPromptRequest.newBuilder()
                      .setAccountId(acct)
                      .setUserId("u")
                      .setFeatureKey("agg")
                      .setSurface(Surface.SURFACE_FEATURE_USE)
                      .setUserRole(UserRole.USER_ROLE_OWNER)
                      .setRequestTime(ts(T))
                      .build())
              .getPrompt();
      variantOf.put(acct, p.getVariantKey());
      if (i % 3 == 0) {
        events.addEvents(
            PromptEvent.newBuilder()
                .setEventId("res-c" + i)
                .setKind(PromptEventKind.PROMPT_EVENT_KIND_CONVERTED)
                .setOccurredAt(ts(T.plusSeconds(60)))
                .setDecisionId(p.getDecisionId())
                .setRevenue(PromptFixtures.usd(1000L + 100L * i)));
      }
    }
    app.exposures().awaitWritten();
    stub.reportPromptEvents(events.build());

    ExperimentResults results = results("res-x", false);
    List<ArmAggregate> stored =
        stub.getExperimentAggregates(
                GetExperimentAggregatesRequest.newBuilder().setExperimentId("res-x").build())
            .getAggregates()
            .getArmsList();
    ExperimentData data =
        new ExperimentData(ExperimentReports.armData(stored.stream().map(this::domain).toList()));
    ExperimentResults expected =
        ResultsProtos.toProto(
            new ExperimentReports.Report(
                "res-x", Instant.EPOCH, "USD", ExperimentAnalyzer.analyze(data)));
    assertEquals(expected.getOverall(), results.getOverall());
    assertEquals(expected.getBySurfaceList(), results.getBySurfaceList());
    assertEquals("USD", results.getCurrencyCode());

    // By hand: the conversions were on accounts 0, 3, 6 and 9.
    for (ArmSummary arm : results.getOverall().getArmsList()) {
      long units = variantOf.values().stream().filter(arm.getArmKey()::equals).count();
      long converted =
          List.of(0, 3, 6, 9).stream()
              .filter(i -> variantOf.get("res-" + i).equals(arm.getArmKey()))
              .count();
      assertEquals(units, arm.getUnits(), arm.getArmKey());
      assertEquals(converted, arm.getConversions(), arm.getArmKey());
      assertEquals((double) converted / units, arm.getConversionRate(), 1e-12, arm.getArmKey());
    }
    assertEquals(1, results.getOverall().getComparisonsCount());
    assertTrue(results.getOverall().getComparisons(0).getMinimumDataWarning(), "12 units only");
    assertEquals(1, results.getOverall().getSrm().getDegreesOfFreedom());
    assertEquals(
        List.of(Surface.SURFACE_FEATURE_USE),
        results.getBySurfaceList().stream().map(s -> s.getSurface()).toList());
    MetricComparison conversion = results.getOverall().getComparisons(0).getConversion();
    if (conversion.hasCompared()) {
      assertFalse(conversion.getCompared().getRelative().hasSequential());
      assertTrue(
          results("res-x", true)
              .getOverall()
              .getComparisons(0)
              .getConversion()
              .getCompared()
              .getRelative()
              .hasSequential(),
          "sequential asked for");
    }
  }

  private dev.headroom.prompt.events.ArmAggregate domain(ArmAggregate a) {
    return new dev.headroom.prompt.events.ArmAggregate(
        a.getVariantKey(),
        a.getControl(),
        a.getHoldout(),
        a.getSurface() == Surface.SURFACE_UNSPECIFIED
            ? java.util.Optional.empty()
            : java.util.Optional.of(
                dev.headroom.prompt.campaign.Surface.valueOf(
                    a.getSurface().name().substring("SURFACE_".length()))),
        a.getIntendedWeight(),
        a.getUnits(),
        a.getConvertedUnits(),
        a.getRevenueSum(),
        a.getRevenueSumOfSquares(),
        a.getDismissedUnits());
  }

  static ArmData arm(String key, ArmRole role, long units, long conversions) {
    return ArmData.newBuilder()
        .setArmKey(key)
        .setRole(role)
        .setIntendedWeight(1)
        .setTotals(UnitAggregates.newBuilder().setUnits(units).setConversions(conversions))
        .build();
  }

  /** ConversionComparisonTest's clear winner: 500 vs 600 conversions of 10,000 units. */
  static AnalyzeExperimentDataRequest clearWinner() {
    return AnalyzeExperimentDataRequest.newBuilder()
        .addArms(arm("control", ArmRole.ARM_ROLE_CONTROL, 10_000, 500))
        .addArms(arm("B", ArmRole.ARM_ROLE_TREATMENT, 10_000, 600))
        .build();
  }

  @Test
  void analyzeExperimentDataGivesTheNumbersGbstatsComputes() {
    ExperimentResults results = stub.analyzeExperimentData(clearWinner()).getResults();
    ArmComparison b = results.getOverall().getComparisons(0);
    assertEquals("B", b.getArmKey());
    assertFalse(b.getMinimumDataWarning());
    Lift relative = b.getConversion().getCompared().getRelative();
    // The reference script's constants, as in ConversionComparisonTest.
    assertEquals(0.1999999999999999, relative.getEstimate(), 1e-9);
    assertEquals(0.07065408693062276, relative.getStandardError(), 1e-9);
    assertEquals(0.061512090879949854, relative.getFixedHorizon().getInterval().getLower(), 1e-9);
    assertEquals(0.33848790912004995, relative.getFixedHorizon().getInterval().getUpper(), 1e-9);
    assertEquals(0.004649400174422613, relative.getFixedHorizon().getPValue(), 1e-9);
    assertEquals(0.9976776330288537, relative.getBayesian().getChanceToBeatControl(), 1e-9);
    assertEquals(4.848895255306259e-05, relative.getBayesian().getExpectedLoss(), 1e-9);
    assertFalse(relative.getFixedHorizon().hasAdjusted(), "one treatment: no adjustment");
    Lift absolute = b.getConversion().getCompared().getAbsolute();
    assertEquals(0.009999999999999995, absolute.getEstimate(), 1e-9);
    assertEquals(0.0019225350207299208, absolute.getFixedHorizon().getPValue(), 1e-9);
    assertEquals(
        CannotCompareReason.CANNOT_COMPARE_REASON_ZERO_BASELINE,
        b.getRevenuePerUnit().getCannotCompareYet(),
        "no revenue in either arm");
    assertEquals(0.05, results.getOverall().getArms(0).getConversionRate(), 1e-12);
    assertFalse(results.getOverall().getSrm().getMismatch());
  }

  @Test
  void aBadAggregateIsInvalidArgumentNamingItsField() {
    AnalyzeExperimentDataRequest bad =
        clearWinner().toBuilder().setArms(1, arm("B", ArmRole.ARM_ROLE_TREATMENT, 10, 11)).build();
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.analyzeExperimentData(bad));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("arms[1].totals.conversions"), fields(e));

    AnalyzeExperimentDataRequest noRole =
        clearWinner().toBuilder()
            .setArms(0, arm("control", ArmRole.ARM_ROLE_UNSPECIFIED, 1, 0))
            .build();
    assertEquals(
        List.of("arms[0].role"),
        fields(
            assertThrows(StatusRuntimeException.class, () -> stub.analyzeExperimentData(noRole))));
  }

  static List<String> fields(StatusRuntimeException e) {
    List<String> out = new ArrayList<>();
    for (Any d : StatusProto.fromThrowable(e).getDetailsList()) {
      if (d.is(BadRequest.class)) {
        try {
          d.unpack(BadRequest.class).getFieldViolationsList().forEach(v -> out.add(v.getField()));
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return out;
  }

  @Test
  void aDraftHasNoResultsAndAnUnknownExperimentIsNotFound() {
    stub.createCampaign(
        CreateCampaignRequest.newBuilder().setCampaign(featureGate("res-d-gate", "agg")).build());
    stub.createExperiment(
        CreateExperimentRequest.newBuilder().setExperiment(design("res-d")).build());
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        assertThrows(StatusRuntimeException.class, () -> results("res-d", false))
            .getStatus()
            .getCode());
    assertEquals(
        Status.Code.NOT_FOUND,
        assertThrows(StatusRuntimeException.class, () -> results("res-none", false))
            .getStatus()
            .getCode());
  }

  @Test
  void noVariantCanTakeTheHoldoutsArmKey() {
    stub.createCampaign(
        CreateCampaignRequest.newBuilder().setCampaign(featureGate("res-k-gate", "agg")).build());
    Experiment.Builder clash =
        design("res-k").setVariants(1, Variant.newBuilder().setVariantKey("holdout").setWeight(1));
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.createExperiment(
                    CreateExperimentRequest.newBuilder().setExperiment(clash).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("experiment.variants[1].variant_key"), fields(e));
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The JSON of the results with the computation instant left out (it differs per call). */
  static JsonNode withoutInstant(String json) throws Exception {
    JsonNode node = JSON.readTree(json);
    ((ObjectNode) node.get("results")).remove("computedAt");
    return node;
  }

  @Test
  void theHttpRoutesAnswerTheSameJsonAndRejectBadInput() throws Exception {
    startExperiment("res-h");
    HttpResponse<String> got = get("/v1/experiments/res-h/results?sequential=true");
    assertEquals(200, got.statusCode(), got.body());
    String grpcJson =
        JsonFormat.printer()
            .alwaysPrintFieldsWithNoPresence()
            .print(
                stub.getExperimentResults(
                    GetExperimentResultsRequest.newBuilder()
                        .setExperimentId("res-h")
                        .setOptions(AnalysisOptions.newBuilder().setSequential(true))
                        .build()));
    JsonNode fromHttp = withoutInstant(got.body());
    assertEquals(withoutInstant(grpcJson), fromHttp);
    assertEquals("0", fromHttp.at("/results/overall/arms/0/units").asText());

    String request = JsonFormat.printer().print(clearWinner());
    HttpResponse<String> analyzed = post("/v1/experiments:analyze", request);
    assertEquals(200, analyzed.statusCode(), analyzed.body());
    assertEquals(
        withoutInstant(
            JsonFormat.printer()
                .alwaysPrintFieldsWithNoPresence()
                .print(stub.analyzeExperimentData(clearWinner()))),
        withoutInstant(analyzed.body()));

    HttpResponse<String> bad =
        post(
            "/v1/experiments:analyze",
            JsonFormat.printer()
                .print(
                    clearWinner().toBuilder()
                        .setArms(1, arm("B", ArmRole.ARM_ROLE_TREATMENT, 10, 11))));
    assertEquals(400, bad.statusCode());
    assertEquals(
        "arms[1].totals.conversions", JSON.readTree(bad.body()).at("/error/field").asText());
    assertEquals(400, post("/v1/experiments:analyze", "{\"arms\": 3}").statusCode());
    assertEquals(404, get("/v1/experiments/res-none/results").statusCode());
    assertEquals(400, get("/v1/experiments/res-h/results?sequential=maybe").statusCode());
  }
}
