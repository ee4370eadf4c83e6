package dev.headroom.crm.consume;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A measurement, not a test: how fast the follower stores WatchScores messages (one account state
 * row and queue entry per score, cursor saved). Run with {@code -Dheadroom.probe=true}; prints the
 * rate and asserts nothing about it.
 */
@EnabledIfSystemProperty(named = "headroom.probe", matches = "true")
class ScoreFollowerProbe {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final int SCORES = 20_000;

  @Test
  void followerThroughput() throws Exception {
    try (Connector crm = new Connector(PG.database())) {
      long start = System.nanoTime();
      for (int i = 0; i < SCORES; i++) {
        crm.scoring.publish(
            FakeScoring.score(
                "acc-" + (i % 5_000), 50 + i % 40, ExpansionType.EXPANSION_TYPE_SEAT_ADD, i));
      }
      Await.until(
          "every score stored", Duration.ofMinutes(10), () -> crm.app.followerPosition() == SCORES);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "score follower: %d messages in %.2f s = %.0f messages/s%n",
          SCORES, seconds, SCORES / seconds);
    }
  }
}
