package dev.headroom.crm.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The WatchScores follower stores scores in batches with their cursor and resumes after it. */
class ScoreFollowerTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void eachAccountKeepsItsLatestScoreAcrossBatchesAndARestart() throws Exception {
    FakeScoring scoring = new FakeScoring();
    String name = "fake-scoring-" + UUID.randomUUID();
    Server server = InProcessServerBuilder.forName(name).addService(scoring).build().start();
    Map<String, Integer> latest = new HashMap<>();
    try {
      try (CrmApp app = start(name)) {
        for (int i = 0; i < 1_000; i++) {
          String account = "acc-" + (i % 7);
          int score = 30 + (i * 13) % 60;
          scoring.publish(
              FakeScoring.score(account, score, ExpansionType.EXPANSION_TYPE_SEAT_ADD, i));
          latest.put(account, score);
        }
        Await.until("every score stored", () -> app.followerPosition() == 1_000);
      }
      try (CrmApp restarted = start(name)) {
        assertEquals(1_000, restarted.followerPosition(), "resumes after the committed cursor");
        scoring.publish(FakeScoring.score("acc-3", 99, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1));
        latest.put("acc-3", 99);
        Await.until("the new score stored", () -> restarted.followerPosition() == 1_001);
      }
    } finally {
      server.shutdownNow();
    }
    Jdbi jdbi = Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
    Map<String, Integer> stored = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT account_id, (account_vals->>'score')::int AS s FROM crm.account_state")
                .map((rs, ctx) -> Map.entry(rs.getString("account_id"), rs.getInt("s")))
                .forEach(e -> stored.put(e.getKey(), e.getValue())));
    assertEquals(latest, stored);
  }

  static CrmApp start(String scoringName) {
    return CrmApp.start(
        Apps.config(PG.database(), "in-process:" + scoringName),
        Clock.systemUTC(),
        "crm-" + UUID.randomUUID(),
        false);
  }
}
