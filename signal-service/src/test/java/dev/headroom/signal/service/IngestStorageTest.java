package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.signal.db.RollupCompactor;
import dev.headroom.signal.ingest.IngestLoad;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the set-based ingest statement stores, checked in the tables: facts, raw events inside
 * retention, rollup increments folded exactly once, microsecond instants, and the background
 * evaluator's (cached) timeline giving the same signals as a fresh read of the facts.
 */
class IngestStorageTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static SignalTestSupport svc;
  static Jdbi jdbi;

  // One "now" for the whole class: the services under test run on a clock fixed at it.
  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeAll
  static void start() {
    svc = SignalTestSupport.start(PG.database());
    svc.seedCatalog();
    jdbi = svc.app.database().jdbi();
  }

  @AfterAll
  static void stop() {
    svc.close();
  }

  private static IngestEventsResponse ingest(List<UsageEvent.Builder> events) {
    IngestEventsRequest.Builder b = IngestEventsRequest.newBuilder();
    events.forEach(b::addEvents);
    return svc.stub.ingestEvents(b.build());
  }

  private static long count(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  /** Rows of (account, day, metric, key, value) where the two relations differ, both ways. */
  private static long differences(String a, String b) {
    return count(
        "SELECT count(*) FROM (("
            + a
            + " EXCEPT "
            + b
            + ") UNION ALL ("
            + b
            + " EXCEPT "
            + a
            + ")) d");
  }

  private static final String FROM_FACTS =
      """
      SELECT account_id, day, metric, key, sum(v) AS value FROM (
        SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, kind AS metric, coalesce(key, '') AS key,
               1::numeric AS v FROM usage_fact WHERE account_id LIKE 'st-%'
        UNION ALL
        SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date, 'METER_QUANTITY', coalesce(key, ''), quantity
        FROM usage_fact WHERE account_id LIKE 'st-%' AND quantity IS NOT NULL) x
      GROUP BY 1, 2, 3, 4\
      """;

  @Test
  void factsRawAndRollupsAreStoredOnceAndRollupsFoldExactly() {
    svc.putAccount("st-1", "pro", 10, NOW.minus(60, ChronoUnit.DAYS));
    List<UsageEvent.Builder> batch = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Instant at = NOW.minus(i % 3, ChronoUnit.DAYS).minusSeconds(i);
      batch.add(
          i % 2 == 0
              ? SignalTestSupport.event(
                  "st-m" + i,
                  i % 4 == 0 ? "st-1" : "st-2",
                  null,
                  at,
                  "METER",
                  Map.of("meter_key", "api_calls", "quantity", i == 0 ? 10.0 : 2.5))
              : SignalTestSupport.event(
                  "st-f" + i,
                  "st-1",
                  "u" + (i % 5),
                  at,
                  "FEATURE_USED",
                  Map.of("feature_key", "audit_log")));
    }
    // Outside raw retention (400 days): a fact and a rollup, but no raw row.
    batch.add(
        SignalTestSupport.event(
            "st-old", "st-1", "u1", NOW.minus(500, ChronoUnit.DAYS), "USER_ACTIVE", Map.of()));
    // Sub-microsecond instants are stored rounded to the microsecond, half to even.
    batch.add(
        SignalTestSupport.event(
            "st-ns1",
            "st-1",
            "u1",
            NOW.minusSeconds(5).plusNanos(1_234_567),
            "USER_ACTIVE",
            Map.of()));
    batch.add(
        SignalTestSupport.event(
            "st-ns2", "st-1", "u1", NOW.minusSeconds(5).plusNanos(2_500), "USER_ACTIVE", Map.of()));
    IngestEventsResponse r = ingest(batch);
    assertEquals(43, r.getAcceptedCount());

    // An identical resend changes nothing; a different content under a taken id is ALREADY_EXISTS.
    IngestEventsResponse again = ingest(batch);
    assertEquals(43, again.getDuplicateCount());
    IngestEventsResponse conflict =
        ingest(
            List.of(
                SignalTestSupport.event(
                    "st-f1", "st-1", "u9", NOW, "FEATURE_USED", Map.of("feature_key", "reports"))));
    assertEquals(EventOutcome.EVENT_OUTCOME_REJECTED, conflict.getResults(0).getOutcome());

    assertEquals(43, count("SELECT count(*) FROM usage_fact WHERE event_id LIKE 'st-%'"));
    assertEquals(
        43,
        count(
            "SELECT count(*) FROM usage_fact"
                + " WHERE event_id LIKE 'st-%' AND content_hash IS NOT NULL"),
        "each accepted event keeps the hash that tells a resend from a conflict");
    assertEquals(42, count("SELECT count(*) FROM event_raw WHERE event_id LIKE 'st-%'"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM event_raw WHERE event_id = 'st-m2' AND payload->>'meter_key' ="
                + " 'api_calls'"));
    assertEquals(
        2, count("SELECT count(*) FROM account_seen WHERE account_id IN ('st-1', 'st-2')"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM usage_fact WHERE event_id = 'st-ns1' AND occurred_at = '"
                + NOW.minusSeconds(5).plusNanos(1_235_000)
                + "'"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM usage_fact WHERE event_id = 'st-ns2' AND occurred_at = '"
                + NOW.minusSeconds(5).plusNanos(2_000)
                + "'"));

    String current =
        "SELECT account_id, day, metric, key, value FROM daily_rollup_current WHERE account_id LIKE"
            + " 'st-%'";
    assertEquals(
        0, differences(FROM_FACTS, current), "the exact view equals the facts at any time");

    RollupCompactor compactor =
        new RollupCompactor(jdbi, Duration.ofHours(1), IngestLoad.NONE::yieldAfter);
    while (compactor.compact() > 0) {
      // rounds of a few batch rows each, until every increment is folded
    }
    assertEquals(0, compactor.compact(), "nothing left: nothing is folded twice");
    String folded =
        "SELECT account_id, day, metric, key, value FROM daily_rollup WHERE account_id LIKE 'st-%'";
    assertEquals(0, count("SELECT count(*) FROM daily_rollup_delta WHERE account_id LIKE 'st-%'"));
    assertEquals(0, differences(FROM_FACTS, folded));
    assertEquals(0, differences(FROM_FACTS, current));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM daily_rollup WHERE account_id = 'st-1' AND metric ="
                + " 'METER_QUANTITY' AND day = (TIMESTAMPTZ '"
                + NOW
                + "' AT TIME ZONE 'UTC')::date AND value > 10"));
  }

  /**
   * A batch claims its ids optimistically (a plain insert of the ids not yet taken); when another
   * transaction commits one of them first, the insert fails on the unique key and the batch is
   * stored again, waiting. The client sees one answer per event either way, and only the winner's
   * content is kept.
   */
  @Test
  void aBatchThatLosesTheRaceForAnIdStillAnswersEveryEvent() throws Exception {
    svc.putAccount("st-race", "pro", 10, NOW.minus(60, ChronoUnit.DAYS));
    double racesBefore = svc.app.meterRegistry().get("signal.ingest.claim.races").counter().count();
    ExecutorService client = Executors.newSingleThreadExecutor();
    try (Handle other = jdbi.open()) {
      other.begin();
      other.execute(
          "INSERT INTO usage_fact (account_id, occurred_at, event_id, kind, content_hash)"
              + " VALUES ('st-race-other', now(), 'st-race-1', 'USER_ACTIVE', '\\x00')");
      Future<IngestEventsResponse> racing =
          client.submit(
              () ->
                  ingest(
                      List.of(
                          SignalTestSupport.event(
                              "st-race-1", "st-race", "u1", NOW, "USER_ACTIVE", Map.of()),
                          SignalTestSupport.event(
                              "st-race-2", "st-race", "u1", NOW, "USER_ACTIVE", Map.of()))));
      // the batch's insert now waits on the other transaction's uncommitted id
      SignalTestSupport.await(
          "the batch waits on the uncommitted id",
          Duration.ofSeconds(10),
          () ->
              count(
                      "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'transactionid'"
                          + " AND query LIKE '%usage_fact%'")
                  > 0);
      other.commit();

      IngestEventsResponse r = racing.get(10, TimeUnit.SECONDS);
      assertEquals(
          EventOutcome.EVENT_OUTCOME_REJECTED,
          r.getResults(0).getOutcome(),
          "the id went to the other transaction, with other content");
      assertEquals(EventOutcome.EVENT_OUTCOME_ACCEPTED, r.getResults(1).getOutcome());
    } finally {
      client.shutdownNow();
    }
    assertEquals(
        racesBefore + 1,
        svc.app.meterRegistry().get("signal.ingest.claim.races").counter().count());
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM usage_fact"
                + " WHERE event_id = 'st-race-1' AND account_id = 'st-race'"));
    assertEquals(1, count("SELECT count(*) FROM usage_fact WHERE event_id = 'st-race-2'"));
  }

  @Test
  void theCachedTimelineOfTheBackgroundEvaluatorMatchesAFreshRead() throws Exception {
    String acct = "sc-cache";
    svc.putAccount(acct, "pro", 4, NOW.minus(120, ChronoUnit.DAYS));
    SplittableRandom rnd = new SplittableRandom(5);
    // Late and out-of-order events across many small batches, each evaluated in the background on
    // the
    // cached timeline as it grows.
    for (int b = 0; b < 12; b++) {
      List<UsageEvent.Builder> batch = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Instant at = NOW.minusSeconds(rnd.nextLong(40L * 86_400));
        String id = "sc-" + b + "-" + i;
        int k = rnd.nextInt(4);
        batch.add(
            switch (k) {
              case 0 ->
                  SignalTestSupport.event(
                      id,
                      acct,
                      "u" + rnd.nextInt(8),
                      at,
                      "USER_ADDED",
                      Map.of(
                          "role",
                          rnd.nextInt(3) == 0 ? "ADMIN" : "MEMBER",
                          "team",
                          "t" + rnd.nextInt(3)));
              case 1 ->
                  SignalTestSupport.event(
                      id,
                      acct,
                      "u" + rnd.nextInt(8),
                      at,
                      "FEATURE_USED",
                      Map.of("feature_key", "audit_log"));
              case 2 ->
                  SignalTestSupport.event(
                      id,
                      acct,
                      null,
                      at,
                      "METER",
                      Map.of("meter_key", "api_calls", "quantity", 100.0 + rnd.nextInt(100)));
              default ->
                  SignalTestSupport.event(
                      id, acct, "u" + rnd.nextInt(8), at, "USER_ACTIVE", Map.of());
            });
      }
      assertEquals(8, ingest(batch).getAcceptedCount());
      Thread.sleep(20);
    }
    SignalTestSupport.await(
        "evaluator idle", Duration.ofSeconds(30), () -> svc.app.evaluator().depth() == 0);
    svc.stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId(acct).build());

    var snapshot =
        svc.stub
            .getUsageSnapshot(GetUsageSnapshotRequest.newBuilder().setAccountId(acct).build())
            .getSnapshot(); // computed from a fresh read of usage_fact
    TreeMap<String, String> fresh = new TreeMap<>();
    snapshot
        .getSignalsList()
        .forEach(
            s ->
                fresh.put(
                    s.getType().name().replace("SIGNAL_TYPE_", ""),
                    s.getStatus().name().replace("SIGNAL_STATUS_", "")
                        + "@"
                        + s.getSince().getSeconds()));
    TreeMap<String, String> stored = new TreeMap<>();
    jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT signal_type, status, since FROM signal_occurrence"
                            + " WHERE account_id = :a AND resolved_at IS NULL")
                    .bind("a", acct)
                    .map(
                        (rs, ctx) ->
                            Map.entry(
                                rs.getString(1),
                                rs.getString(2)
                                    + "@"
                                    + rs.getObject(3, java.time.OffsetDateTime.class)
                                        .toEpochSecond()))
                    .list())
        .forEach(e -> stored.put(e.getKey(), e.getValue()));
    assertTrue(!fresh.isEmpty(), "the fixture should raise signals");
    assertEquals(fresh, stored);
  }
}
