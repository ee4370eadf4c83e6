package dev.headroom.scoring.api;

import static dev.headroom.scoring.testing.Fixtures.signal;
import static dev.headroom.scoring.testing.Fixtures.snapshot;
import static dev.headroom.scoring.testing.Fixtures.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.ActivateModelRequest;
import dev.headroom.api.scoring.v1.CategoryPoints;
import dev.headroom.api.scoring.v1.CategoryWeight;
import dev.headroom.api.scoring.v1.CreateModelRequest;
import dev.headroom.api.scoring.v1.FitModelRequest;
import dev.headroom.api.scoring.v1.FitModelResponse;
import dev.headroom.api.scoring.v1.GetModelRequest;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceResponse;
import dev.headroom.api.scoring.v1.ListModelsRequest;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.ListOutcomesResponse;
import dev.headroom.api.scoring.v1.ListScoreHistoryRequest;
import dev.headroom.api.scoring.v1.ListScoreHistoryResponse;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Model;
import dev.headroom.api.scoring.v1.ModelSource;
import dev.headroom.api.scoring.v1.ModelStatus;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.PerformanceGrouping;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.RecordOutcomeResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoreCategory;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ScoringService API over in-process gRPC on a real PostgreSQL, fed by a scripted
 * signal-service whose snapshots pin every metric, so scores, filters and re-scores can be checked
 * exactly. Tests run in order on shared state: scoring, queries, history, outcomes, learning, then
 * model activation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoringApiTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  // One "now" for the whole class: the services under test run on a clock fixed at it.
  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  static FakeSignalService signal;
  static Server signalServer;
  static ScoringApp app;
  static ManagedChannel channel;
  static ScoringServiceGrpc.ScoringServiceBlockingStub stub;
  static final List<WatchScoresResponse> watched = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    signal = new FakeSignalService(Fixtures.catalog());
    String signalName = "fake-signal-" + UUID.randomUUID();
    signalServer = InProcessServerBuilder.forName(signalName).addService(signal).build().start();
    String scoringName = "scoring-" + UUID.randomUUID();
    app =
        ScoringApp.start(
            Fixtures.config(PG.database(), "in-process:" + signalName),
            Clock.systemUTC(),
            scoringName,
            false);
    channel = InProcessChannelBuilder.forName(scoringName).build();
    stub = ScoringServiceGrpc.newBlockingStub(channel);
    ScoringServiceGrpc.newStub(channel)
        .watchScores(
            WatchScoresRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(WatchScoresResponse value) {
                watched.add(value);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
    signalServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static ScoringServiceGrpc.ScoringServiceBlockingStub stub() {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static Score score(String account) {
    return stub().getScore(GetScoreRequest.newBuilder().setAccountId(account).build()).getScore();
  }

  static boolean scored(String account, long minModelVersion) {
    try {
      return score(account).getModelVersion() >= minModelVersion;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  static void publish(UsageSnapshot.Builder s) {
    signal.publish(s.build(), ChangeKind.CHANGE_KIND_METRICS);
  }

  static Status.Code code(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  static List<String> violatedFields(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
    List<String> fields = new ArrayList<>();
    for (Any a : StatusProto.fromThrowable(e).getDetailsList()) {
      if (a.is(BadRequest.class)) {
        try {
          a.unpack(BadRequest.class)
              .getFieldViolationsList()
              .forEach(v -> fields.add(v.getField()));
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return fields;
  }

  static List<String> ids(List<Score> scores) {
    return scores.stream().map(Score::getAccountId).toList();
  }

  static List<Score> list(ListScoresRequest.Builder req) {
    return stub().listScores(req.setPageSize(100).build()).getScoresList();
  }

  // ---- scoring from signal changes
  // ------------------------------------------------------------------------

  @Test
  @Order(1)
  void changesAreScoredWithExplanationAndPublished() {
    assertEquals(Status.Code.NOT_FOUND, code(() -> score("a1")));
    publish(
        snapshot("a1", T, 5, 5, 90, 10, 5, 10)
            .addSignals(
                signal(
                    "a1",
                    SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH,
                    ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                    T.minus(Duration.ofDays(5)))));
    publish(
        snapshot("a2", T, 4, 5, 50, 4, 2, 4)
            .addSignals(
                signal(
                    "a2",
                    SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND,
                    ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
                    T.minus(Duration.ofDays(2)))));
    publish(snapshot("a3", T, 1, 5, 20, 0, 0, 0));
    for (String a : List.of("a4", "a5")) {
      publish(
          snapshot(a, T, 5, 5, 80, 6, 1, 5)
              .addSignals(
                  signal(
                      a,
                      SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH,
                      ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                      T.minus(Duration.ofDays(1)))));
    }
    Await.until("five accounts scored", () -> scored("a5", 1) && scored("a1", 1));

    Score a1 = score("a1");
    assertEquals(98, a1.getScore());
    assertEquals(ReadinessBand.READINESS_BAND_URGENT, a1.getBand());
    assertEquals(1, a1.getModelVersion());
    assertEquals(5, a1.getCategoriesCount());
    CategoryPoints engagement = a1.getCategories(2);
    assertEquals(ScoreCategory.SCORE_CATEGORY_ENGAGEMENT_INTENSITY, engagement.getCategory());
    assertEquals("18", engagement.getPoints());
    assertEquals("90", engagement.getInputsMap().get("engagement_score"));
    assertTrue(
        engagement.getExplanation().contains("engagement score 90"), engagement.getExplanation());
    assertEquals(ExpansionType.EXPANSION_TYPE_SEAT_ADD, a1.getPrimaryType());
    assertEquals(3, a1.getRecommendedSeats());
    // 3 seats x 15.00 x 12
    assertEquals(usd(54_000), a1.getArrPotential());
    assertEquals(RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE, a1.getMotion());
    assertEquals("Product+CS", a1.getOwner());
    assertEquals(1, a1.getSignalsCount());
    assertEquals("all seats used", a1.getSignals(0).getEvidence(0).getDescription());
    assertTrue(a1.getActivated());

    Score a2 = score("a2");
    assertEquals(54, a2.getScore()); // 20 + 10 + 10 + 6 + 7.5 = 53.5, half up
    assertEquals(ReadinessBand.READINESS_BAND_EMERGING, a2.getBand());
    assertEquals(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, a2.getTypes(0).getType());
    assertEquals("enterprise", a2.getTypes(0).getTargetPlanKey());
    assertEquals(RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES, a2.getMotion());
    assertEquals(RecommendedMotion.RECOMMENDED_MOTION_NONE, score("a3").getMotion());

    Await.until("five changes published", () -> watched.size() >= 5);
    WatchScoresResponse first =
        watched.stream()
            .filter(w -> w.getScore().getAccountId().equals("a1"))
            .findFirst()
            .orElseThrow();
    assertTrue(first.getCursor() > 0);
    assertEquals(ReadinessBand.READINESS_BAND_UNSPECIFIED, first.getPreviousBand());
    assertEquals(98, first.getScore().getScore());
  }

  @Test
  @Order(2)
  void badScoreRequests() {
    assertEquals(Status.Code.NOT_FOUND, code(() -> score("nobody")));
    assertEquals(List.of("account_id"), violatedFields(() -> score("")));
    assertEquals(
        Status.Code.NOT_FOUND,
        code(
            () ->
                stub()
                    .listScoreHistory(
                        ListScoreHistoryRequest.newBuilder().setAccountId("nobody").build())));
  }

  // ---- the pipeline
  // ---------------------------------------------------------------------------------------

  @Test
  @Order(3)
  void listScoresHighestFirstWithFilters() {
    assertEquals(List.of("a1", "a4", "a5", "a2", "a3"), ids(list(ListScoresRequest.newBuilder())));
    assertEquals(
        List.of("a1"),
        ids(list(ListScoresRequest.newBuilder().addBands(ReadinessBand.READINESS_BAND_URGENT))));
    assertEquals(
        List.of("a4", "a5", "a2"),
        ids(
            list(
                ListScoresRequest.newBuilder()
                    .addBands(ReadinessBand.READINESS_BAND_READY)
                    .addBands(ReadinessBand.READINESS_BAND_EMERGING))));
    assertEquals(
        List.of("a2"),
        ids(
            list(
                ListScoresRequest.newBuilder()
                    .addTypes(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE))));
    assertEquals(
        List.of("a1", "a4", "a5"),
        ids(list(ListScoresRequest.newBuilder().addTypes(ExpansionType.EXPANSION_TYPE_SEAT_ADD))));
    assertEquals(
        List.of("a2"),
        ids(
            list(
                ListScoresRequest.newBuilder()
                    .addMotions(RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES))));
    assertEquals(
        List.of("a1", "a4", "a5"), ids(list(ListScoresRequest.newBuilder().setMinScore(60))));
    assertEquals(
        List.of("a4", "a5"),
        ids(
            list(
                ListScoresRequest.newBuilder()
                    .setMinScore(60)
                    .addMotions(RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE)
                    .addBands(ReadinessBand.READINESS_BAND_READY))));
    assertEquals(
        List.of("min_score"),
        violatedFields(() -> list(ListScoresRequest.newBuilder().setMinScore(101))));
    assertEquals(
        List.of("bands[0]"),
        violatedFields(
            () ->
                list(
                    ListScoresRequest.newBuilder()
                        .addBands(ReadinessBand.READINESS_BAND_UNSPECIFIED))));
  }

  @Test
  @Order(4)
  void listScoresPagesWithTokensBoundToTheirFilter() {
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListScoresResponse page =
          stub()
              .listScores(
                  ListScoresRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      seen.addAll(ids(page.getScoresList()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertEquals(List.of("a1", "a4", "a5", "a2", "a3"), seen);
    assertEquals(3, pages);

    String firstToken =
        stub().listScores(ListScoresRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
    assertFalse(firstToken.isEmpty());
    // The same token with another filter, or edited, is not a token of that query.
    assertEquals(
        List.of("page_token"),
        violatedFields(
            () ->
                stub()
                    .listScores(
                        ListScoresRequest.newBuilder()
                            .setPageSize(1)
                            .setMinScore(10)
                            .setPageToken(firstToken)
                            .build())));
    char last = firstToken.charAt(firstToken.length() - 1);
    String tampered = firstToken.substring(0, firstToken.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertEquals(
        List.of("page_token"),
        violatedFields(
            () ->
                stub()
                    .listScores(
                        ListScoresRequest.newBuilder()
                            .setPageSize(1)
                            .setPageToken(tampered)
                            .build())));
    assertEquals(
        List.of("page_size"),
        violatedFields(
            () -> stub().listScores(ListScoresRequest.newBuilder().setPageSize(-1).build())));
    // The filter's order does not matter: it is the same query.
    String bandsToken =
        stub()
            .listScores(
                ListScoresRequest.newBuilder()
                    .setPageSize(1)
                    .addBands(ReadinessBand.READINESS_BAND_READY)
                    .addBands(ReadinessBand.READINESS_BAND_URGENT)
                    .build())
            .getNextPageToken();
    assertEquals(
        List.of("a4"),
        ids(
            stub()
                .listScores(
                    ListScoresRequest.newBuilder()
                        .setPageSize(1)
                        .addBands(ReadinessBand.READINESS_BAND_URGENT)
                        .addBands(ReadinessBand.READINESS_BAND_READY)
                        .setPageToken(bandsToken)
                        .build())
                .getScoresList()));
  }

  // ---- history and idempotency
  // ----------------------------------------------------------------------------

  @Test
  @Order(5)
  void historyKeepsMaterialChangesOnlyNewestFirst() {
    int publishedBefore = watched.size();
    publish(snapshot("a3", T.plusSeconds(60), 1, 5, 40, 0, 0, 0));
    Await.until("a3 rescored", () -> score("a3").getScore() == 13);
    Await.until("a3 change published", () -> watched.size() == publishedBefore + 1);
    WatchScoresResponse change = watched.get(watched.size() - 1);
    assertEquals(9, change.getPreviousScore());
    assertEquals(ReadinessBand.READINESS_BAND_NOT_READY, change.getPreviousBand());

    // The same content again (a redelivery under a new cursor) and a change that moves no outcome:
    // no history.
    long cursor =
        signal.publish(
            snapshot("a3", T.plusSeconds(60), 1, 5, 40, 0, 0, 0).build(),
            ChangeKind.CHANGE_KIND_METRICS);
    signal.publish(
        snapshot("a3", T.plusSeconds(120), 1, 5, 40, 0, 0, 0).setActiveDays28(11).build(),
        ChangeKind.CHANGE_KIND_METRICS);
    Await.until("consumer caught up", () -> app.consumerPosition() >= cursor + 1);

    ListScoreHistoryResponse history =
        stub().listScoreHistory(ListScoreHistoryRequest.newBuilder().setAccountId("a3").build());
    assertEquals(List.of(13, 9), history.getScoresList().stream().map(Score::getScore).toList());
    assertEquals(publishedBefore + 1, watched.size());
    assertEquals(
        ScoreProtos.ts(T.plusSeconds(120)), score("a3").getAsOf()); // current is still fresh

    ListScoreHistoryResponse page1 =
        stub()
            .listScoreHistory(
                ListScoreHistoryRequest.newBuilder().setAccountId("a3").setPageSize(1).build());
    assertEquals(13, page1.getScores(0).getScore());
    ListScoreHistoryResponse page2 =
        stub()
            .listScoreHistory(
                ListScoreHistoryRequest.newBuilder()
                    .setAccountId("a3")
                    .setPageSize(1)
                    .setPageToken(page1.getNextPageToken())
                    .build());
    assertEquals(9, page2.getScores(0).getScore());
    assertEquals(
        List.of("page_token"),
        violatedFields(
            () ->
                stub()
                    .listScoreHistory(
                        ListScoreHistoryRequest.newBuilder()
                            .setAccountId("a1")
                            .setPageToken(page1.getNextPageToken())
                            .build())));
  }

  // ---- outcomes
  // -------------------------------------------------------------------------------------------

  static Outcome.Builder won(String id, String account, long arr) {
    return Outcome.newBuilder()
        .setOutcomeId(id)
        .setAccountId(account)
        .setResult(OutcomeResult.OUTCOME_RESULT_WON)
        .setExpansionType(ExpansionType.EXPANSION_TYPE_SEAT_ADD)
        .setArrDelta(usd(arr))
        .setOccurredAt(ScoreProtos.ts(T.plus(Duration.ofHours(1))))
        .setSource(OutcomeSource.OUTCOME_SOURCE_CRM)
        .setExternalRef("opp-" + id);
  }

  static RecordOutcomeResponse record(Outcome.Builder o) {
    return stub().recordOutcome(RecordOutcomeRequest.newBuilder().setOutcome(o).build());
  }

  @Test
  @Order(6)
  void recordOutcomeIsIdempotentAndValidated() {
    RecordOutcomeResponse first = record(won("o1", "a1", 54_000));
    assertFalse(first.getDuplicate());
    assertEquals(98, first.getOutcome().getPrecedingScore());
    assertEquals(ReadinessBand.READINESS_BAND_URGENT, first.getOutcome().getPrecedingBand());
    RecordOutcomeResponse again = record(won("o1", "a1", 54_000));
    assertTrue(again.getDuplicate());
    assertEquals(first.getOutcome(), again.getOutcome());
    assertEquals(Status.Code.ALREADY_EXISTS, code(() -> record(won("o1", "a1", 60_000))));

    assertEquals(Status.Code.NOT_FOUND, code(() -> record(won("o2", "nobody", 1))));
    List<String> fields = violatedFields(() -> record(Outcome.newBuilder().setArrDelta(usd(-5))));
    assertEquals(
        List.of(
            "outcome.outcome_id",
            "outcome.account_id",
            "outcome.result",
            "outcome.expansion_type",
            "outcome.occurred_at",
            "outcome.arr_delta.minor_units"),
        fields);
    assertEquals(
        List.of("outcome.arr_delta.currency_code"),
        violatedFields(
            () ->
                record(
                    won("o3", "a1", 100)
                        .setArrDelta(
                            dev.headroom.api.common.v1.Money.newBuilder()
                                .setCurrencyCode("EUR")
                                .setMinorUnits(100)))));
    assertEquals(
        List.of("outcome.arr_delta.minor_units"),
        violatedFields(
            () -> record(won("o4", "a1", 100).setResult(OutcomeResult.OUTCOME_RESULT_LOST))));

    record(
        won("o5", "a2", 0)
            .setResult(OutcomeResult.OUTCOME_RESULT_LOST)
            .setOccurredAt(ScoreProtos.ts(T.plus(Duration.ofHours(2)))));
    ListOutcomesResponse p1 =
        stub().listOutcomes(ListOutcomesRequest.newBuilder().setPageSize(1).build());
    assertEquals("o5", p1.getOutcomes(0).getOutcomeId()); // newest first
    ListOutcomesResponse p2 =
        stub()
            .listOutcomes(
                ListOutcomesRequest.newBuilder()
                    .setPageSize(1)
                    .setPageToken(p1.getNextPageToken())
                    .build());
    assertEquals("o1", p2.getOutcomes(0).getOutcomeId());
    assertEquals("", p2.getNextPageToken());
    assertEquals(
        List.of("o1"),
        stub()
            .listOutcomes(ListOutcomesRequest.newBuilder().setAccountId("a1").build())
            .getOutcomesList()
            .stream()
            .map(Outcome::getOutcomeId)
            .toList());
  }

  @Test
  @Order(7)
  void signalPerformanceCountsConversions() {
    GetSignalPerformanceResponse byBand =
        stub()
            .getSignalPerformance(
                GetSignalPerformanceRequest.newBuilder()
                    .setGrouping(PerformanceGrouping.PERFORMANCE_GROUPING_BAND)
                    .build());
    var seatUrgent =
        byBand.getRowsList().stream()
            .filter(
                r ->
                    r.getSignalType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH
                        && r.getBand() == ReadinessBand.READINESS_BAND_URGENT)
            .findFirst()
            .orElseThrow();
    assertEquals(1, seatUrgent.getFired());
    assertEquals(1, seatUrgent.getConverted());
    assertEquals(usd(54_000), seatUrgent.getAverageArrDelta());
    var bySignal =
        stub().getSignalPerformance(GetSignalPerformanceRequest.newBuilder().build()).getRowsList();
    var seat =
        bySignal.stream()
            .filter(r -> r.getSignalType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
            .findFirst()
            .orElseThrow();
    assertEquals(3, seat.getFired()); // a1, a4, a5
    assertEquals(1, seat.getConverted());
    var premium =
        bySignal.stream()
            .filter(r -> r.getSignalType() == SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND)
            .findFirst()
            .orElseThrow();
    assertEquals(0, premium.getConverted()); // a2's outcome was lost
    assertEquals(
        List.of("conversion_window"),
        violatedFields(
            () ->
                stub()
                    .getSignalPerformance(
                        GetSignalPerformanceRequest.newBuilder()
                            .setConversionWindow(
                                com.google.protobuf.Duration.newBuilder().setSeconds(-1))
                            .build())));
  }

  // ---- learning
  // -------------------------------------------------------------------------------------------

  @Test
  @Order(8)
  void fitProposesWeightsFromOutcomesAndNeverActivates() {
    StatusRuntimeException tooFew =
        assertThrows(
            StatusRuntimeException.class,
            () -> stub().fitModel(FitModelRequest.getDefaultInstance()));
    assertEquals(Status.Code.FAILED_PRECONDITION, tooFew.getStatus().getCode());
    assertEquals(
        List.of("holdout_fraction"),
        violatedFields(
            () -> stub().fitModel(FitModelRequest.newBuilder().setHoldoutFraction(0.9).build())));

    // Generated accounts: expansions are won where capacity is high and lost elsewhere (with some
    // noise).
    Random random = new Random(7);
    Map<String, Integer> used = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 80; i++) {
      String id = "g" + i;
      int u = random.nextInt(6);
      used.put(id, u);
      publish(
          snapshot(
              id,
              T,
              u,
              5,
              random.nextInt(101),
              random.nextInt(11),
              random.nextInt(6),
              random.nextInt(11)));
    }
    Await.until("generated accounts scored", () -> scored("g79", 1));
    used.forEach(
        (id, u) -> {
          boolean win = (u >= 3) != (random.nextInt(10) == 0);
          record(
              won("fit-" + id, id, win ? 1_000 : 0)
                  .setResult(
                      win ? OutcomeResult.OUTCOME_RESULT_WON : OutcomeResult.OUTCOME_RESULT_LOST));
        });

    FitModelResponse fit =
        stub().fitModel(FitModelRequest.newBuilder().setSeed(42).setRequestId("fit-1").build());
    Model proposal = fit.getModel();
    assertEquals(ModelStatus.MODEL_STATUS_PROPOSED, proposal.getStatus());
    assertEquals(ModelSource.MODEL_SOURCE_FIT, proposal.getSource());
    assertEquals(
        100, proposal.getWeightsList().stream().mapToInt(CategoryWeight::getMaxPoints).sum());
    int capacity = proposal.getWeights(0).getMaxPoints();
    assertTrue(
        proposal.getWeightsList().stream().allMatch(w -> w.getMaxPoints() <= capacity),
        "capacity predicts the outcomes: " + proposal.getWeightsList());
    assertTrue(fit.getCoefficientsMap().get("capacity_utilization") > 0);
    assertTrue(fit.getCoefficientsMap().containsKey("intercept"));
    assertTrue(proposal.getQuality().getHoldoutSize() > 0);
    assertTrue(proposal.getQuality().getAuc() > 0.7, "auc " + proposal.getQuality().getAuc());
    assertTrue(proposal.hasActiveModelQuality());
    // A retry returns the same proposal; nothing was activated.
    assertEquals(
        proposal.getVersion(),
        stub()
            .fitModel(FitModelRequest.newBuilder().setSeed(42).setRequestId("fit-1").build())
            .getModel()
            .getVersion());
    assertEquals(1, activeVersion());
    assertEquals(1, score("a1").getModelVersion());
  }

  static long activeVersion() {
    return stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
        .filter(m -> m.getStatus() == ModelStatus.MODEL_STATUS_ACTIVE)
        .mapToLong(Model::getVersion)
        .boxed()
        .collect(Collectors.toList())
        .get(0);
  }

  // ---- models
  // ---------------------------------------------------------------------------------------------

  static Model.Builder model(int... points) {
    Model.Builder b =
        Model.newBuilder()
            .setPremiumAttemptsForFullPoints(10)
            .setGrowthPointsPerNewUser(3)
            .setExpectedWorkflowsPerSeat(2)
            .setFieldSalesArrThreshold(usd(5_000_000));
    for (int i = 0; i < points.length; i++) {
      b.addWeights(
          dev.headroom.api.scoring.v1.CategoryWeight.newBuilder()
              .setCategory(ScoreCategory.forNumber(i + 1))
              .setMaxPoints(points[i]));
    }
    return b;
  }

  static Model create(Model.Builder m, String requestId) {
    return stub()
        .createModel(CreateModelRequest.newBuilder().setModel(m).setRequestId(requestId).build())
        .getModel();
  }

  @Test
  @Order(9)
  void createModelValidatesWeights() {
    assertEquals(
        List.of("model.weights"), violatedFields(() -> create(model(25, 25, 20, 15, 5), "")));
    List<String> negative = violatedFields(() -> create(model(-10, 45, 35, 15, 15), ""));
    assertEquals(List.of("model.weights[0].max_points"), negative);
    List<String> missing =
        violatedFields(() -> create(model(50, 50).setExpectedWorkflowsPerSeat(0), ""));
    assertTrue(missing.contains("model.weights"), missing.toString());
    assertTrue(missing.contains("model.expected_workflows_per_seat"), missing.toString());

    Model created = create(model(40, 15, 15, 15, 15).setDescription("capacity first"), "create-1");
    assertEquals(ModelStatus.MODEL_STATUS_PROPOSED, created.getStatus());
    assertEquals(ModelSource.MODEL_SOURCE_MANUAL, created.getSource());
    assertEquals(
        created.getVersion(),
        create(model(40, 15, 15, 15, 15).setDescription("capacity first"), "create-1")
            .getVersion());
    assertEquals(
        List.of("request_id"), violatedFields(() -> create(model(30, 20, 20, 15, 15), "create-1")));
    assertEquals(
        Status.Code.NOT_FOUND,
        code(() -> stub().getModel(GetModelRequest.newBuilder().setVersion(999).build())));
    assertEquals(
        created,
        stub()
            .getModel(GetModelRequest.newBuilder().setVersion(created.getVersion()).build())
            .getModel());
  }

  @Test
  @Order(10)
  void activateModelRescoresEveryAccountInTheBackground() {
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        code(() -> stub().activateModel(ActivateModelRequest.newBuilder().setVersion(1).build())));
    long version =
        stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
            .filter(m -> m.getSource() == ModelSource.MODEL_SOURCE_MANUAL)
            .findFirst()
            .orElseThrow()
            .getVersion();
    Map<String, Integer> before = new java.util.HashMap<>();
    for (String a : List.of("a1", "a2", "a3", "a4", "a5")) {
      before.put(a, score(a).getScore());
    }
    int watchedBefore = watched.size();

    Model activated =
        stub()
            .activateModel(
                ActivateModelRequest.newBuilder().setVersion(version).setActor("test").build())
            .getModel();
    assertEquals(ModelStatus.MODEL_STATUS_ACTIVE, activated.getStatus());
    assertEquals(85, activated.getRescore().getAccountsTotal());
    assertTrue(activated.getRescore().hasStartedAt());

    Await.until(
        "re-score finished",
        () ->
            stub()
                .getModel(GetModelRequest.newBuilder().setVersion(version).build())
                .getModel()
                .getRescore()
                .hasFinishedAt());
    Model done =
        stub().getModel(GetModelRequest.newBuilder().setVersion(version).build()).getModel();
    assertEquals(85, done.getRescore().getAccountsDone());
    assertEquals(
        ModelStatus.MODEL_STATUS_RETIRED,
        stub().getModel(GetModelRequest.newBuilder().setVersion(1).build()).getModel().getStatus());

    Map<String, Integer> expected = Map.of("a1", 99, "a2", 59, "a3", 14, "a4", 72, "a5", 72);
    expected.forEach(
        (a, s) -> {
          Score now = score(a);
          assertEquals(version, now.getModelVersion(), a);
          assertEquals(s, now.getScore(), a);
          assertNotEquals(before.get(a), now.getScore(), a);
        });
    assertTrue(
        list(ListScoresRequest.newBuilder().setPageSize(1000)).stream()
            .allMatch(s -> s.getModelVersion() == version));
    Await.until("every re-scored account published", () -> watched.size() >= watchedBefore + 85);
    WatchScoresResponse a4 =
        watched.stream()
            .skip(watchedBefore)
            .filter(w -> w.getScore().getAccountId().equals("a4"))
            .findFirst()
            .orElseThrow();
    assertEquals(67, a4.getPreviousScore());
    assertEquals(72, a4.getScore().getScore());
    assertEquals(
        2,
        stub()
            .listScoreHistory(ListScoreHistoryRequest.newBuilder().setAccountId("a4").build())
            .getScoresCount());

    // New changes are scored with the new model.
    publish(snapshot("a6", T, 5, 5, 90, 10, 5, 10));
    Await.until("a6 scored", () -> scored("a6", version));
    assertEquals(99, score("a6").getScore());

    // Activating again while a re-score runs is refused (simulated: an unfinished re-score on
    // record).
    app.database()
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE scoring.model SET rescore_finished_at = NULL WHERE version = ?",
                    version));
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        code(() -> stub().activateModel(ActivateModelRequest.newBuilder().setVersion(1).build())));
    app.database()
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "UPDATE scoring.model SET rescore_finished_at = now() WHERE version = ?",
                    version));
    assertEquals(
        Status.Code.NOT_FOUND,
        code(
            () -> stub().activateModel(ActivateModelRequest.newBuilder().setVersion(999).build())));
  }
}
