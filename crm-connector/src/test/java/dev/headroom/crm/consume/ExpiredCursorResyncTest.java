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
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connector that was down longer than scoring-service retains its scores resynchronizes from
 * ListScores and ends with every account's latest score, including one published while it reads.
 */
class ExpiredCursorResyncTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void aFollowerPastTheRetentionResynchronizesAndLosesNoScore() throws Exception {
    FakeScoring scoring = new FakeScoring();
    String name = "fake-scoring-" + UUID.randomUUID();
    Server server = InProcessServerBuilder.forName(name).addService(scoring).build().start();
    Map<String, Integer> latest = new HashMap<>();
    try {
      try (CrmApp app = start(name)) {
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

      try (CrmApp resynced = start(name)) {
        Await.until(
            "caught up after the resync",
            () -> published.get() && resynced.followerPosition() == scoring.lastCursor());
      }
    } finally {
      server.shutdownNow();
    }
    assertEquals(latest, storedScores());
  }

  private static synchronized void publish(
      FakeScoring scoring, Map<String, Integer> latest, String account, int score) {
    scoring.publish(FakeScoring.score(account, score, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1));
    latest.put(account, score);
  }

  private static CrmApp start(String scoringName) {
    return CrmApp.start(
        Apps.config(PG.database(), "in-process:" + scoringName),
        Clock.systemUTC(),
        "crm-" + UUID.randomUUID(),
        false);
  }

  private static Map<String, Integer> storedScores() {
    Jdbi jdbi = Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
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
