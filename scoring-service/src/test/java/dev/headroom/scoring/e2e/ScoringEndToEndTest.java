package dev.headroom.scoring.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.CategoryPoints;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.ListScoreHistoryRequest;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoreCategory;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.consume.SignalChangeConsumer;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.testing.Fixtures;
import dev.headroom.scoring.testing.RealSignal;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real loop over gRPC: the host puts a catalog, an account and usage events into
 * signal-service; signal-service detects the signals; scoring-service follows its change stream,
 * scores, and publishes the change on WatchScores. Then scoring-service restarts and resumes from
 * its stored cursor.
 */
class ScoringEndToEndTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  // One "now" for the whole class: the services under test run on a clock fixed at it.
  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  static RealSignal signal;
  static ScoringApp scoring;
  static final String SCORING_NAME = "scoring-e2e-" + UUID.randomUUID();
  static ManagedChannel channel;

  @BeforeAll
  static void start() {
    signal = RealSignal.start(Map.of());
    scoring = startScoring();
    channel = InProcessChannelBuilder.forName(SCORING_NAME).build();
  }

  static ScoringApp startScoring() {
    return ScoringApp.start(
        Fixtures.config(PG.database(), signal.address()), Clock.systemUTC(), SCORING_NAME, false);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    scoring.close();
    signal.close();
  }

  static ScoringServiceGrpc.ScoringServiceBlockingStub stub() {
    return ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A WatchScores client that remembers its cursor and can reconnect from it. */
  static final class Watcher {
    final List<WatchScoresResponse> received = new CopyOnWriteArrayList<>();
    final AtomicLong cursor = new AtomicLong();
    volatile boolean broken;

    void connect() {
      broken = false;
      ScoringServiceGrpc.newStub(channel)
          .watchScores(
              WatchScoresRequest.newBuilder().setAfterCursor(cursor.get()).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(WatchScoresResponse value) {
                  received.add(value);
                  cursor.set(value.getCursor());
                }

                @Override
                public void onError(Throwable t) {
                  broken = true;
                }

                @Override
                public void onCompleted() {
                  broken = true;
                }
              });
    }

    List<WatchScoresResponse> of(String account) {
      return received.stream().filter(r -> r.getScore().getAccountId().equals(account)).toList();
    }
  }

  /** The scoring database, read directly (also while the service is down). */
  static org.jdbi.v3.core.Jdbi db() {
    var d = PG.database();
    return org.jdbi.v3.core.Jdbi.create(d.url(), d.user(), d.password());
  }

  static long storedScoringRevision(String account) {
    return db().withHandle(
            h ->
                h.createQuery("SELECT revision FROM scoring.score_current WHERE account_id = :a")
                    .bind("a", account)
                    .mapTo(Long.class)
                    .one());
  }

  static long storedCursor() {
    return db().withHandle(
            h ->
                h.createQuery("SELECT position FROM scoring.consumer_cursor WHERE consumer = :c")
                    .bind("c", SignalChangeConsumer.NAME)
                    .mapTo(Long.class)
                    .findOne()
                    .orElse(0L));
  }

  static boolean isExpansionReady(WatchScoresResponse r) {
    return r.getScore().getTypesCount() == 2 && r.getScore().getActivated();
  }

  @Test
  void signalChangesBecomeExplainedScoreChangesAndSurviveARestart() {
    Watcher watcher = new Watcher();
    watcher.connect();
    signal.putCatalog();
    signal.putAccount("acme", "pro", 5, NOW.minus(Duration.ofDays(120)));
    signal.ingest(RealSignal.expansionReady("acme", NOW));

    Await.until(
        "acme's expansion-ready score is published",
        () -> watcher.of("acme").stream().anyMatch(ScoringEndToEndTest::isExpansionReady));
    WatchScoresResponse change =
        watcher.of("acme").stream()
            .filter(ScoringEndToEndTest::isExpansionReady)
            .findFirst()
            .orElseThrow();
    Score s = change.getScore();
    // 25 capacity + 12.5 feature + 37 x 0.2 engagement + 15 growth + 1.5 value = 61.4
    assertEquals(61, s.getScore(), s.toString());
    assertEquals(ReadinessBand.READINESS_BAND_READY, s.getBand());
    assertEquals(
        List.of("25", "12.5", "7.4", "15", "1.5"),
        s.getCategoriesList().stream().map(CategoryPoints::getPoints).toList());
    CategoryPoints capacity = s.getCategories(0);
    assertEquals(ScoreCategory.SCORE_CATEGORY_CAPACITY_UTILIZATION, capacity.getCategory());
    assertEquals(Map.of("seats_used", "5", "seats_purchased", "5"), capacity.getInputsMap());
    assertEquals("min(1, 5 seats used / 5 seats purchased) x 25 = 25", capacity.getExplanation());
    assertEquals(
        List.of(ExpansionType.EXPANSION_TYPE_SEAT_ADD, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE),
        s.getTypesList().stream().map(t -> t.getType()).toList());
    assertEquals(Fixtures.usd(54_000), s.getTypes(0).getArrPotential()); // 3 seats x 15.00 x 12
    assertEquals(RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE, s.getTypes(0).getMotion());
    assertEquals("enterprise", s.getTypes(1).getTargetPlanKey());
    assertEquals(Fixtures.usd(600_000), s.getTypes(1).getArrPotential()); // (500.00 - 0) x 12
    assertEquals(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, s.getPrimaryType());
    assertEquals(Fixtures.usd(600_000), s.getArrPotential());
    assertEquals(RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES, s.getMotion());
    assertEquals("Inside sales", s.getOwner());
    assertEquals(3, s.getRecommendedSeats());
    assertTrue(s.getImmediateReview(), "seat and premium signals within 7 days");
    assertTrue(
        s.getSignalsList().stream()
            .anyMatch(
                sig ->
                    sig.getType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH
                        && sig.getStatus() == SignalStatus.SIGNAL_STATUS_ACTIVE
                        && sig.getEvidenceCount() > 0));
    assertTrue(
        s.getSignalsList().stream()
            .anyMatch(sig -> sig.getType() == SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND));
    assertEquals(1, s.getModelVersion());
    assertTrue(s.hasAsOf() && s.hasComputedAt());
    assertTrue(
        change.getPreviousBand() != ReadinessBand.READINESS_BAND_UNSPECIFIED
            || watcher.of("acme").indexOf(change) == 0);
    Await.until(
        "GetScore serves the same",
        () ->
            stub()
                    .getScore(GetScoreRequest.newBuilder().setAccountId("acme").build())
                    .getScore()
                    .getScore()
                == 61);

    // Bad input against the live service.
    assertEquals(
        Status.Code.NOT_FOUND,
        assertThrows(
                StatusRuntimeException.class,
                () -> stub().getScore(GetScoreRequest.newBuilder().setAccountId("ghost").build()))
            .getStatus()
            .getCode());
    assertEquals(
        Status.Code.NOT_FOUND,
        assertThrows(
                StatusRuntimeException.class,
                () ->
                    stub()
                        .recordOutcome(
                            RecordOutcomeRequest.newBuilder()
                                .setOutcome(
                                    Outcome.newBuilder()
                                        .setOutcomeId("o-1")
                                        .setAccountId("ghost")
                                        .setResult(OutcomeResult.OUTCOME_RESULT_WON)
                                        .setExpansionType(ExpansionType.EXPANSION_TYPE_SEAT_ADD)
                                        .setOccurredAt(ScoreProtos.ts(NOW)))
                                .build()))
            .getStatus()
            .getCode());

    // ---- restart: stop scoring, let signal-service change meanwhile, start again
    // --------------------------
    Await.until(
        "scoring caught up with signal-service",
        () -> scoring.consumerPosition() > 0 && storedCursor() == scoring.consumerPosition());
    int acmeHistory = history("acme");
    int acmeChanges = watcher.of("acme").size();
    scoring.close();
    long cursorAtStop = storedCursor();
    Await.until("the watch noticed the shutdown", () -> watcher.broken);

    signal.putAccount("beta", "pro", 5, NOW.minus(Duration.ofDays(120)));
    signal.ingest(RealSignal.expansionReady("beta", NOW));
    long acmeRevision = storedScoringRevision("acme");

    scoring = startScoring();
    watcher.connect(); // from the last cursor it processed
    Await.until(
        "beta, changed while scoring was down, is scored and published",
        () -> watcher.of("beta").stream().anyMatch(ScoringEndToEndTest::isExpansionReady));
    assertTrue(storedCursor() > cursorAtStop, "the consumer continued past its stored cursor");
    // Nothing before the cursor was applied again: acme was neither re-scored nor re-published.
    assertEquals(acmeRevision, storedScoringRevision("acme"));
    assertEquals(acmeHistory, history("acme"));
    assertEquals(acmeChanges, watcher.of("acme").size());
    double computedAfterRestart =
        scoring
            .meterRegistry()
            .get("scoring.scores.computed")
            .tag("trigger", "signal_change")
            .counter()
            .count();
    assertTrue(computedAfterRestart >= 1);
    assertEquals(
        61,
        stub()
            .getScore(GetScoreRequest.newBuilder().setAccountId("beta").build())
            .getScore()
            .getScore());
    // The WatchScores cursor is strictly increasing across the restart: nothing was lost or
    // repeated.
    List<Long> cursors = watcher.received.stream().map(WatchScoresResponse::getCursor).toList();
    for (int i = 1; i < cursors.size(); i++) {
      assertEquals(cursors.get(i - 1) + 1, cursors.get(i), "cursors " + cursors);
    }

    // ---- at-least-once: a consumer that lost its cursor gets every change again, and nothing
    // changes --------
    scoring.close();
    long betaRevision = storedScoringRevision("beta");
    long published =
        db().withHandle(
                h ->
                    h.createQuery("SELECT last_seq FROM scoring.outbox_stream")
                        .mapTo(Long.class)
                        .one());
    long position = storedCursor();
    db().useHandle(
            h ->
                h.execute(
                    "UPDATE scoring.consumer_cursor SET position = 0 WHERE consumer = ?",
                    SignalChangeConsumer.NAME));
    scoring = startScoring();
    Await.until("every change redelivered", () -> scoring.consumerPosition() >= position);
    assertEquals(acmeRevision, storedScoringRevision("acme"));
    assertEquals(betaRevision, storedScoringRevision("beta"));
    assertEquals(
        published,
        (long)
            db().withHandle(
                    h ->
                        h.createQuery("SELECT last_seq FROM scoring.outbox_stream")
                            .mapTo(Long.class)
                            .one()));
    assertEquals(
        0.0,
        scoring
            .meterRegistry()
            .get("scoring.scores.computed")
            .tag("trigger", "signal_change")
            .counter()
            .count());
  }

  static int history(String account) {
    return stub()
        .listScoreHistory(
            ListScoreHistoryRequest.newBuilder().setAccountId(account).setPageSize(1000).build())
        .getScoresCount();
  }
}
