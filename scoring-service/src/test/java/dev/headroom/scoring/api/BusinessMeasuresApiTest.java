package dev.headroom.scoring.api;

import static dev.headroom.scoring.testing.Fixtures.signal;
import static dev.headroom.scoring.testing.Fixtures.snapshot;
import static dev.headroom.scoring.testing.Fixtures.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.ExpansionRevenue;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresRequest;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresResponse;
import dev.headroom.api.scoring.v1.MeasureDimension;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.RetentionSegment;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.SignalConversion;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.InProcessGrpcExtension;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetBusinessMeasures over real gRPC (and GET /v1/measures over HTTP) on a real PostgreSQL, fed a
 * scripted history whose measures are derived by hand below. All amounts are USD minor units.
 *
 * <pre>
 * account  before 04-01 (ARR, core plan, score)     in [04-01, 07-01)                        signals (since)
 * A        1,200,000 pro, URGENT/SELF_SERVE        04-10 → 3,000,000 enterprise (upgrade)     SEAT_UTILIZATION_HIGH 03-01,
 *                                                  07-05 → 3,600,000 (after the period)       PREMIUM_FEATURE_DEMAND 04-05,
 *                                                                                             POWER_USER_EMERGENCE 05-20
 * B          600,000 pro, URGENT/SELF_SERVE        05-01 → 900,000 + analytics (cross-sell)   SEAT_UTILIZATION_HIGH 03-01,
 *                                                                                             PREMIUM_FEATURE_DEMAND 04-20
 * C        2,400,000 enterprise, NOT_READY/NONE    05-15 → 1,800,000 pro (downgrade)          —
 * D          500,000 pro, NOT_READY/NONE           06-01 → 0 free (churn)                     API_CONSUMPTION_GROWTH 05-10
 * E        — (first seen 04-20: 1,000,000 pro)     06-10 → 1,500,000 (upgrade)                TEAM_GROWTH 04-20
 * F          800,000 pro, URGENT/NONE              —                                          —
 *
 * won: A 04-10, B 05-01, E 06-10, F 06-15 (no signal before it), A 06-20; lost: D 05-20.
 * </pre>
 */
class BusinessMeasuresApiTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension final InProcessGrpcExtension grpc = new InProcessGrpcExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static FakeSignalService signal;
  private static Server signalServer;
  private static ScoringApp app;

  private static Instant day(String monthDay) {
    return Instant.parse("2026-" + monthDay + "T00:00:00Z");
  }

  @BeforeAll
  static void start() throws Exception {
    signal = new FakeSignalService(Fixtures.catalog());
    String signalName = "fake-signal-" + UUID.randomUUID();
    signalServer = InProcessServerBuilder.forName(signalName).addService(signal).build().start();
    app =
        ScoringApp.start(
            Fixtures.config(PG.database(), "in-process:" + signalName),
            Clock.systemUTC(),
            null,
            true);
    publishHistory();
    Await.until("every change consumed", () -> app.consumerPosition() >= signal.lastCursor());
    ManagedChannel tcp =
        ManagedChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext().build();
    try {
      ScoringServiceGrpc.ScoringServiceBlockingStub stub =
          ScoringServiceGrpc.newBlockingStub(tcp).withDeadlineAfter(30, TimeUnit.SECONDS);
      won(stub, "A", "04-10", ExpansionType.EXPANSION_TYPE_TIER_UPGRADE);
      won(stub, "B", "05-01", ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
      won(stub, "E", "06-10", ExpansionType.EXPANSION_TYPE_SEAT_ADD);
      won(stub, "F", "06-15", ExpansionType.EXPANSION_TYPE_SEAT_ADD);
      won(stub, "A", "06-20", ExpansionType.EXPANSION_TYPE_SEAT_ADD);
      stub.recordOutcome(
          RecordOutcomeRequest.newBuilder()
              .setOutcome(
                  Outcome.newBuilder()
                      .setOutcomeId("lost-D")
                      .setAccountId("D")
                      .setResult(OutcomeResult.OUTCOME_RESULT_LOST)
                      .setExpansionType(ExpansionType.EXPANSION_TYPE_USAGE_INCREASE)
                      .setArrDelta(usd(0))
                      .setOccurredAt(ScoreProtos.ts(day("05-20"))))
              .build());
    } finally {
      tcp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    signalServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static void publishHistory() {
    publish("A", "03-01", HOT, 1_200_000, Map.of("core", "pro"), seats("A", "03-01"));
    publish("B", "03-01", HOT, 600_000, Map.of("core", "pro"), seats("B", "03-01"));
    publish("C", "03-01", COLD, 2_400_000, Map.of("core", "enterprise"));
    publish("D", "03-01", COLD, 500_000, Map.of("core", "pro"));
    publish("F", "03-01", HOT, 800_000, Map.of("core", "pro"));
    publish(
        "A",
        "04-05",
        HOT,
        1_200_000,
        Map.of("core", "pro"),
        seats("A", "03-01"),
        premium("A", "04-05"));
    publish(
        "A",
        "04-10",
        HOT,
        3_000_000,
        Map.of("core", "enterprise"),
        seats("A", "03-01"),
        premium("A", "04-05"));
    publish(
        "B",
        "04-20",
        HOT,
        600_000,
        Map.of("core", "pro"),
        seats("B", "03-01"),
        premium("B", "04-20"));
    publish(
        "E",
        "04-20",
        HOT,
        1_000_000,
        Map.of("core", "pro"),
        signal(
            "E",
            SignalType.SIGNAL_TYPE_TEAM_GROWTH,
            ExpansionType.EXPANSION_TYPE_SEAT_ADD,
            day("04-20")));
    publish(
        "B",
        "05-01",
        HOT,
        900_000,
        Map.of("core", "pro", "analytics", "starter"),
        seats("B", "03-01"),
        premium("B", "04-20"));
    publish(
        "D",
        "05-10",
        COLD,
        500_000,
        Map.of("core", "pro"),
        signal(
            "D",
            SignalType.SIGNAL_TYPE_API_CONSUMPTION_GROWTH,
            ExpansionType.EXPANSION_TYPE_USAGE_INCREASE,
            day("05-10")));
    publish("C", "05-15", COLD, 1_800_000, Map.of("core", "pro"));
    publish(
        "A",
        "05-20",
        HOT,
        3_000_000,
        Map.of("core", "enterprise"),
        seats("A", "03-01"),
        signal(
            "A",
            SignalType.SIGNAL_TYPE_POWER_USER_EMERGENCE,
            ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
            day("05-20")));
    publish("D", "06-01", COLD, 0, Map.of("core", "free"));
    publish("E", "06-10", HOT, 1_500_000, Map.of("core", "pro"));
    publish("A", "07-05", HOT, 3_600_000, Map.of("core", "enterprise"), seats("A", "03-01"));
  }

  /** Seats, premium attempts, engagement, new users and workflows all at full points: 100. */
  private static final int[] HOT = {10, 10, 100, 10, 5, 20};

  /** One seat of five used and nothing else: 5 points. */
  private static final int[] COLD = {1, 5, 0, 0, 0, 0};

  private static void publish(
      String account,
      String monthDay,
      int[] metrics,
      long arrMinor,
      Map<String, String> planByProduct,
      Signal... signals) {
    UsageSnapshot.Builder s =
        snapshot(
            account,
            day(monthDay),
            metrics[0],
            metrics[1],
            metrics[2],
            metrics[3],
            metrics[4],
            metrics[5]);
    s.getAccountBuilder().setArr(usd(arrMinor)).clearSubscriptions();
    new TreeMap<>(planByProduct)
        .forEach(
            (product, plan) ->
                s.getAccountBuilder()
                    .addSubscriptions(
                        Subscription.newBuilder()
                            .setProductKey(product)
                            .setPlanKey(plan)
                            .setSeatsPurchased(metrics[1])));
    for (Signal held : signals) {
      s.addSignals(held);
    }
    signal.publish(s.build(), ChangeKind.CHANGE_KIND_ACCOUNT);
  }

  private static Signal seats(String account, String since) {
    return signal(
        account,
        SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH,
        ExpansionType.EXPANSION_TYPE_SEAT_ADD,
        day(since));
  }

  private static Signal premium(String account, String since) {
    return signal(
        account,
        SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND,
        ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
        day(since));
  }

  private static void won(
      ScoringServiceGrpc.ScoringServiceBlockingStub stub,
      String account,
      String monthDay,
      ExpansionType type) {
    stub.recordOutcome(
        RecordOutcomeRequest.newBuilder()
            .setOutcome(
                Outcome.newBuilder()
                    .setOutcomeId("won-" + account + "-" + monthDay)
                    .setAccountId(account)
                    .setResult(OutcomeResult.OUTCOME_RESULT_WON)
                    .setExpansionType(type)
                    .setArrDelta(usd(100_000))
                    .setOccurredAt(ScoreProtos.ts(day(monthDay))))
            .build());
  }

  private ScoringServiceGrpc.ScoringServiceBlockingStub stub() {
    return ScoringServiceGrpc.newBlockingStub(grpc.start("scoring", app.grpcService()))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static GetBusinessMeasuresRequest period(Instant from, Instant to) {
    return GetBusinessMeasuresRequest.newBuilder()
        .setFrom(ScoreProtos.ts(from))
        .setTo(ScoreProtos.ts(to))
        .build();
  }

  private static <T> T only(List<T> rows, Predicate<T> which) {
    List<T> matching = rows.stream().filter(which).toList();
    assertEquals(1, matching.size(), () -> "exactly one row expected among " + rows);
    return matching.get(0);
  }

  private static RetentionSegment retention(
      GetBusinessMeasuresResponse m,
      MeasureDimension dimension,
      Predicate<RetentionSegment> which) {
    return only(
        m.getNetRevenueRetentionList(), r -> r.getDimension() == dimension && which.test(r));
  }

  private static SignalConversion conversion(
      GetBusinessMeasuresResponse m,
      MeasureDimension dimension,
      Predicate<SignalConversion> which) {
    return only(m.getConversionList(), c -> c.getDimension() == dimension && which.test(c));
  }

  private static void assertRetention(
      RetentionSegment r,
      long accounts,
      long start,
      long expansion,
      long contraction,
      long churn,
      long end) {
    assertEquals(accounts, r.getAccounts(), r.toString());
    assertEquals(usd(start), r.getStartingArr(), r.toString());
    assertEquals(usd(expansion), r.getExpansion(), r.toString());
    assertEquals(usd(contraction), r.getContraction(), r.toString());
    assertEquals(usd(churn), r.getChurn(), r.toString());
    assertEquals(usd(end), r.getEndingArr(), r.toString());
    assertEquals((double) end / start, r.getNetRevenueRetention(), 1e-12, r.toString());
  }

  private static void assertConversion(SignalConversion c, long signals, long converted) {
    assertEquals(signals, c.getSignals(), c.toString());
    assertEquals(converted, c.getConverted(), c.toString());
    assertEquals((double) converted / signals, c.getConversionRate(), 1e-12, c.toString());
  }

  @Test
  void expansionRevenueCountsUpgradesCrossSellsDowngradesAndChurnOfTheAccountsThatExisted() {
    GetBusinessMeasuresResponse m = stub().getBusinessMeasures(period(day("04-01"), day("07-01")));

    // A +1,800,000 and E +500,000 (E is new on 04-20: its first ARR is not expansion, its later
    // increase is); B +300,000 with analytics; C -600,000; D -500,000 to zero. A's 07-05 increase
    // is after the period.
    ExpansionRevenue usd = only(m.getExpansionRevenueList(), r -> true);
    assertEquals("USD", usd.getCurrencyCode());
    assertEquals(usd(2_300_000), usd.getUpgrades());
    assertEquals(2, usd.getUpgradeCount());
    assertEquals(usd(300_000), usd.getCrossSells());
    assertEquals(1, usd.getCrossSellCount());
    assertEquals(usd(600_000), usd.getDowngrades());
    assertEquals(1, usd.getDowngradeCount());
    assertEquals(usd(500_000), usd.getChurn());
    assertEquals(1, usd.getChurnCount());
    // 2,300,000 + 300,000 - 600,000 - 500,000
    assertEquals(usd(1_500_000), usd.getNetExpansion());
  }

  @Test
  void netRevenueRetentionFollowsThePayingAccountsOfThePeriodStartBySegment() {
    GetBusinessMeasuresResponse m = stub().getBusinessMeasures(period(day("04-01"), day("07-01")));

    // Cohort A, B, C, D, F (E did not exist on 04-01).
    assertRetention(
        retention(m, MeasureDimension.MEASURE_DIMENSION_ALL, r -> true),
        5,
        5_500_000,
        2_100_000,
        600_000,
        500_000,
        6_500_000);
    // A, B, D, F were on pro at the start (A moved to enterprise during the period: still pro).
    assertRetention(
        retention(m, MeasureDimension.MEASURE_DIMENSION_PLAN, r -> r.getPlanKey().equals("pro")),
        4,
        3_100_000,
        2_100_000,
        0,
        500_000,
        4_700_000);
    assertRetention(
        retention(
            m, MeasureDimension.MEASURE_DIMENSION_PLAN, r -> r.getPlanKey().equals("enterprise")),
        1,
        2_400_000,
        0,
        600_000,
        0,
        1_800_000);
    assertRetention(
        retention(
            m,
            MeasureDimension.MEASURE_DIMENSION_BAND,
            r -> r.getBand() == ReadinessBand.READINESS_BAND_URGENT),
        3,
        2_600_000,
        2_100_000,
        0,
        0,
        4_700_000);
    assertRetention(
        retention(
            m,
            MeasureDimension.MEASURE_DIMENSION_BAND,
            r -> r.getBand() == ReadinessBand.READINESS_BAND_NOT_READY),
        2,
        2_900_000,
        0,
        600_000,
        500_000,
        1_800_000);
    assertRetention(
        retention(
            m,
            MeasureDimension.MEASURE_DIMENSION_MOTION,
            r -> r.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE),
        2,
        1_800_000,
        2_100_000,
        0,
        0,
        3_900_000);
    assertRetention(
        retention(
            m,
            MeasureDimension.MEASURE_DIMENSION_MOTION,
            r -> r.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_NONE),
        3,
        3_700_000,
        0,
        600_000,
        500_000,
        2_600_000);
    assertEquals(1 + 2 + 2 + 2, m.getNetRevenueRetentionCount());
  }

  @Test
  void conversionCountsTheSignalsThatFiredInThePeriodByTypeScoreMotionAndBand() {
    GetBusinessMeasuresResponse m = stub().getBusinessMeasures(period(day("04-01"), day("07-01")));

    // Fired in the period: A premium 04-05 (won 04-10), B premium 04-20 (won 05-01), E team
    // growth 04-20 (won 06-10), D API growth 05-10 (only a lost outcome), A power users 05-20 (won
    // 06-20). The seat signals of A and B fired on 03-01, before the period.
    assertConversion(conversion(m, MeasureDimension.MEASURE_DIMENSION_ALL, c -> true), 5, 4);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_SIGNAL_TYPE,
            c -> c.getSignalType() == SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND),
        2,
        2);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_SIGNAL_TYPE,
            c -> c.getSignalType() == SignalType.SIGNAL_TYPE_API_CONSUMPTION_GROWTH),
        1,
        0);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_SIGNAL_TYPE,
            c -> c.getSignalType() == SignalType.SIGNAL_TYPE_TEAM_GROWTH),
        1,
        1);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_SIGNAL_TYPE,
            c -> c.getSignalType() == SignalType.SIGNAL_TYPE_POWER_USER_EMERGENCE),
        1,
        1);
    // Hot accounts score 100, D scores 5.
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_SCORE_BUCKET,
            c -> c.getScoreMin() == 90 && c.getScoreMax() == 100),
        4,
        4);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_SCORE_BUCKET,
            c -> c.getScoreMin() == 0 && c.getScoreMax() == 9),
        1,
        0);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_BAND,
            c -> c.getBand() == ReadinessBand.READINESS_BAND_URGENT),
        4,
        4);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_BAND,
            c -> c.getBand() == ReadinessBand.READINESS_BAND_NOT_READY),
        1,
        0);
    // A tier upgrade signal routes to inside sales: A (twice) and B; D's usage signal and E's
    // five-seat add are self-serve.
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_MOTION,
            c -> c.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES),
        3,
        3);
    assertConversion(
        conversion(
            m,
            MeasureDimension.MEASURE_DIMENSION_MOTION,
            c -> c.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE),
        2,
        1);
    assertEquals(1 + 4 + 2 + 2 + 2, m.getConversionCount());
  }

  @Test
  void medianDaysFromTheFirstSignalOfEachExpansion() {
    // A 04-10: first signal 03-01, 40 days. B 05-01: 03-01, 61 days. E 06-10: 04-20, 51 days.
    // F 06-15: no signal. A 06-20: its signals after its previous win (04-10) and within 90 days:
    // 05-20, 31 days (not the 04-05 one, which led to the 04-10 expansion).
    GetBusinessMeasuresResponse even =
        stub().getBusinessMeasures(period(day("04-01"), day("07-01")));
    assertEquals(4, even.getTimeToExpansion().getExpansions());
    assertEquals(1, even.getTimeToExpansion().getExpansionsWithoutSignal());
    // 31, 40, 51, 61
    assertEquals(45.5, even.getTimeToExpansion().getMedianDays(), 1e-9);

    GetBusinessMeasuresResponse odd =
        stub().getBusinessMeasures(period(day("04-01"), day("06-12")));
    assertEquals(3, odd.getTimeToExpansion().getExpansions());
    assertEquals(0, odd.getTimeToExpansion().getExpansionsWithoutSignal());
    // 40, 51, 61
    assertEquals(51, odd.getTimeToExpansion().getMedianDays(), 1e-9);
  }

  @Test
  void aQuietPeriodGivesZerosNotNaN() {
    GetBusinessMeasuresResponse quiet =
        stub().getBusinessMeasures(period(day("08-01"), day("09-01")));
    ExpansionRevenue usd = only(quiet.getExpansionRevenueList(), r -> true);
    assertEquals(usd(0), usd.getNetExpansion());
    assertEquals(usd(0), usd.getUpgrades());
    assertEquals(0, usd.getChurnCount());
    // Paying on 08-01: A 3,600,000, B 900,000, C 1,800,000, E 1,500,000, F 800,000; nothing moved.
    assertRetention(
        retention(quiet, MeasureDimension.MEASURE_DIMENSION_ALL, r -> true),
        5,
        8_600_000,
        0,
        0,
        0,
        8_600_000);
    SignalConversion all = only(quiet.getConversionList(), c -> true);
    assertEquals(MeasureDimension.MEASURE_DIMENSION_ALL, all.getDimension());
    assertEquals(0, all.getSignals());
    assertEquals(0.0, all.getConversionRate());
    assertEquals(0, quiet.getTimeToExpansion().getExpansions());
    assertEquals(0.0, quiet.getTimeToExpansion().getMedianDays());

    GetBusinessMeasuresResponse beforeAnyData =
        stub().getBusinessMeasures(period(day("01-01"), day("02-01")));
    assertEquals(0, beforeAnyData.getExpansionRevenueCount());
    assertEquals(0, beforeAnyData.getNetRevenueRetentionCount());
    assertEquals(0.0, beforeAnyData.getConversion(0).getConversionRate());
  }

  @Test
  void aBadPeriodIsInvalidArgumentNamingTheField() {
    ScoringServiceGrpc.ScoringServiceBlockingStub stub = stub();
    assertEquals(
        List.of("from"),
        ScoringApiTest.violatedFields(
            () -> stub.getBusinessMeasures(period(day("07-01"), day("04-01")))));
    assertEquals(
        List.of("from"),
        ScoringApiTest.violatedFields(
            () -> stub.getBusinessMeasures(period(day("04-01"), day("04-01")))));
    assertEquals(
        List.of("from", "to"),
        ScoringApiTest.violatedFields(
            () -> stub.getBusinessMeasures(GetBusinessMeasuresRequest.getDefaultInstance())));
    // The configured maximum is 400 days.
    assertEquals(
        List.of("to"),
        ScoringApiTest.violatedFields(
            () ->
                stub.getBusinessMeasures(
                    period(day("01-01"), day("01-01").plus(401, ChronoUnit.DAYS)))));
  }

  @Test
  void theHttpRouteServesTheSameMeasuresAsJson() throws Exception {
    GetBusinessMeasuresResponse overGrpc =
        stub().getBusinessMeasures(period(day("04-01"), day("07-01")));

    HttpResponse<String> ok = get("?from=2026-04-01T00:00:00Z&to=2026-07-01T02:00:00%2B02:00");
    assertEquals(200, ok.statusCode(), ok.body());
    GetBusinessMeasuresResponse.Builder overHttp = GetBusinessMeasuresResponse.newBuilder();
    JsonFormat.parser().merge(ok.body(), overHttp);
    assertEquals(overGrpc, overHttp.build());
    // Zeros are printed, so a reader sees 0 rather than a missing number: the enterprise segment
    // (the second row) had no expansion.
    JsonNode enterprise = JSON.readTree(ok.body()).at("/netRevenueRetention/1");
    assertEquals("enterprise", enterprise.get("planKey").asText());
    assertEquals("0", enterprise.at("/expansion/minorUnits").asText());

    HttpResponse<String> reversed = get("?from=2026-07-01T00:00:00Z&to=2026-04-01T00:00:00Z");
    assertEquals(400, reversed.statusCode());
    JsonNode error = JSON.readTree(reversed.body()).get("error");
    assertEquals("INVALID_ARGUMENT", error.get("status").asText());
    assertEquals("from", error.get("field").asText());

    HttpResponse<String> missing = get("?from=2026-04-01T00:00:00Z");
    assertEquals(400, missing.statusCode());
    assertEquals("to", JSON.readTree(missing.body()).at("/error/field").asText());

    HttpResponse<String> malformed = get("?from=yesterday&to=2026-04-01T00:00:00Z");
    assertEquals(400, malformed.statusCode());
    assertEquals("from", JSON.readTree(malformed.body()).at("/error/field").asText());

    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> posted =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + app.httpPort() + "/v1/measures"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, posted.statusCode());
      assertEquals("GET", posted.headers().firstValue("allow").orElse(""));
    }
  }

  private static HttpResponse<String> get(String query) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + app.httpPort() + "/v1/measures" + query))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
