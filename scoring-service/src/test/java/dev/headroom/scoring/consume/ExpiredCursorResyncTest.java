package dev.headroom.scoring.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.app.ScoringConfig;
import dev.headroom.scoring.testing.Fixtures;
import dev.headroom.scoring.testing.RealSignal;
import dev.headroom.signal.evaluation.AccountChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scoring-service that was down longer than signal-service retains its changes resynchronizes
 * from signal-service's snapshots and ends with the scores of one that never stopped, including a
 * change made while it resynchronizes.
 */
class ExpiredCursorResyncTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final List<String> ACCOUNTS = List.of("acme", "beta", "gamma", "delta");

  @Test
  void aConsumerPastTheRetentionResynchronizesAndLosesNoChange() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (RealSignal signal = RealSignal.start(Map.of())) {
      signal.putCatalog();
      for (String account : ACCOUNTS.subList(0, 3)) {
        signal.putAccount(account, "pro", 5, now.minus(Duration.ofDays(40)));
      }
      ScoringApp reference = start(signal, "scoring_reference");
      ScoringApp stopped = start(signal, "scoring_resynced");
      try {
        signal.ingest(RealSignal.expansionReady("acme", now));
        awaitScored(reference, "acme", 3);
        awaitCaughtUp(signal, stopped);
        stopped.close();

        // While it is down: changes it misses, then signal-service prunes every one of them.
        signal.ingest(RealSignal.expansionReady("beta", now));
        signal.putAccount("delta", "free", 2, now.minus(Duration.ofDays(3)));
        awaitScored(reference, "beta", 3);
        awaitScored(reference, "delta", 0);
        awaitCaughtUp(signal, reference);
        Database signalDb = signal.app.database();
        assertTrue(
            new Outbox(signalDb.schema(), signalDb.jdbi()).prune(Duration.ZERO, 100_000) > 0);

        ScoringApp resynced = start(signal, "scoring_resynced");
        try {
          // Races the resync: whether it lands during it or after, it must not be lost.
          signal.ingest(RealSignal.expansionReady("gamma", now));
          awaitScored(reference, "gamma", 3);
          awaitCaughtUp(signal, reference);
          awaitScored(resynced, "gamma", 3);
          awaitCaughtUp(signal, resynced);
          assertEquals(scores("scoring_reference"), scores("scoring_resynced"));
          assertEquals(ACCOUNTS.size(), scores("scoring_resynced").size());
        } finally {
          resynced.close();
        }
      } finally {
        reference.close();
      }
    }
  }

  private static void awaitScored(ScoringApp app, String account, int minSignals) {
    String schema = app.database().schema();
    Await.until(
        account + " scored",
        () ->
            scores(schema).stream()
                .anyMatch(
                    s -> s.getAccountId().equals(account) && s.getSignalsCount() >= minSignals));
  }

  private static void awaitCaughtUp(RealSignal signal, ScoringApp app) {
    Database signalDb = signal.app.database();
    Outbox changes = new Outbox(signalDb.schema(), signalDb.jdbi());
    Await.until(
        "caught up with signal-service",
        () -> app.consumerPosition() >= changes.lastSeq(AccountChange.STREAM));
  }

  /**
   * Every current score by account, minus when it was computed and when its snapshot was taken (a
   * snapshot read during the resync is newer than the change it stands for, with the same content).
   */
  private static List<Score> scores(String schema) {
    return jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT score_pb FROM %s.score_current ORDER BY account_id"
                            .formatted(schema))
                    .map((rs, ctx) -> withoutInstants(rs.getBytes("score_pb")))
                    .list());
  }

  private static Score withoutInstants(byte[] encoded) {
    try {
      return Score.parseFrom(encoded).toBuilder().clearComputedAt().clearAsOf().build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ScoringApp start(RealSignal signal, String schema) {
    Map<String, String> env = Fixtures.env(PG.database(), signal.address());
    env.put("HEADROOM_SCORING_DATABASE_SCHEMA", schema);
    return ScoringApp.start(
        ScoringConfig.from(
            KitConfig.load("scoring", "scoring.yaml", Fixtures.class.getClassLoader(), env)),
        Clock.systemUTC(),
        null,
        false);
  }

  private static Jdbi jdbi() {
    return Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
  }
}
