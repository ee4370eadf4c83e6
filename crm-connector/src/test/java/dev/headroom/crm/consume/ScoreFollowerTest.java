package dev.headroom.crm.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The WatchScores follower stores scores in batches with their cursor and resumes after it; past
 * scoring-service's retention it resynchronizes from ListScores and loses no score.
 */
class ScoreFollowerTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void eachAccountKeepsItsLatestScoreAcrossBatchesAndARestart() throws Exception {
    FakeScoring scoring = new FakeScoring();
    String name = "fake-scoring-" + UUID.randomUUID();
    Server server = InProcessServerBuilder.forName(name).addService(scoring).build().start();
    Map<String, Integer> latest = new HashMap<>();
    try {
      try (CrmApp app = start(PG.database(), name)) {
        for (int i = 0; i < 1_000; i++) {
          String account = "acc-" + (i % 7);
          int score = 30 + (i * 13) % 60;
          scoring.publish(
              FakeScoring.score(account, score, ExpansionType.EXPANSION_TYPE_SEAT_ADD, i));
          latest.put(account, score);
        }
        Await.until("every score stored", () -> app.followerPosition() == 1_000);
      }
      try (CrmApp restarted = start(PG.database(), name)) {
        assertEquals(1_000, restarted.followerPosition(), "resumes after the committed cursor");
        scoring.publish(FakeScoring.score("acc-3", 99, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1));
        latest.put("acc-3", 99);
        Await.until("the new score stored", () -> restarted.followerPosition() == 1_001);
      }
    } finally {
      server.shutdownNow();
    }
    assertEquals(latest, storedScores(PG.database()));
  }

  @Test
  void aFollowerPastTheRetentionResynchronizesAndLosesNoScore() throws Exception {
    // A database of its own: the follower must start without a stored cursor.
    TestDatabase db = PostgresServer.shared().createDatabase();
    FakeScoring scoring = new FakeScoring();
    String name = "fake-scoring-" + UUID.randomUUID();
    Server server = InProcessServerBuilder.forName(name).addService(scoring).build().start();
    Map<String, Integer> latest = new HashMap<>();
    try {
      try (CrmApp app = start(db, name)) {
        for (int a = 0; a < 5; a++) {
          publish(scoring, latest, "acc-" + a, 40 + a);
        }
        Await.until("every score stored", () -> app.followerPosition() == scoring.lastCursor());
      }
      // While it is down: scores it misses, then scoring-service prunes every one of them.
      publish(scoring, latest, "acc-1", 90);
      publish(scoring, latest, "acc-4", 20);
      publish(scoring, latest, "acc-5", 70);
      scoring.pruneThrough(scoring.lastCursor());
      AtomicBoolean published = new AtomicBoolean();
      scoring.beforeListScores(
          () -> {
            if (published.compareAndSet(false, true)) {
              publish(scoring, latest, "acc-0", 85);
            }
          });

      try (CrmApp resynced = start(db, name)) {
        Await.until(
            "caught up after the resync",
            () -> published.get() && resynced.followerPosition() == scoring.lastCursor());
      }
      assertEquals(latest, storedScores(db));
    } finally {
      server.shutdownNow();
      db.drop();
    }
  }

  private static synchronized void publish(
      FakeScoring scoring, Map<String, Integer> latest, String account, int score) {
    scoring.publish(FakeScoring.score(account, score, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1));
    latest.put(account, score);
  }

  static CrmApp start(TestDatabase db, String scoringName) {
    return CrmApp.start(
        Apps.config(db, "in-process:" + scoringName),
        Clock.systemUTC(),
        "crm-" + UUID.randomUUID(),
        false);
  }

  private static Map<String, Integer> storedScores(TestDatabase db) {
    Jdbi jdbi = Jdbi.create(db.url(), db.user(), db.password());
    Map<String, Integer> stored = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT account_id, (account_vals->>'score')::int AS s FROM crm.account_state")
                .map((rs, ctx) -> Map.entry(rs.getString("account_id"), rs.getInt("s")))
                .forEach(e -> stored.put(e.getKey(), e.getValue())));
    return stored;
  }
}
