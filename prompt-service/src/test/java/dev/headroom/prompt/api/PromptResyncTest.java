package dev.headroom.prompt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.prompt.api.PromptRestartTest.Running;
import dev.headroom.prompt.context.AccountScore;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When the stored cursors are older than what the upstreams retain, the context is rebuilt from a
 * full snapshot (ListAccounts + GetUsageSnapshot, ListScores), the service is NOT_SERVING
 * meanwhile, and the streams resume from the first retained change.
 */
class PromptResyncTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static UsageSnapshot withSeatsUsed(String accountId, int seatsUsed) {
    return PromptFixtures.snapshot(accountId).toBuilder().setSeatsUsed(seatsUsed).build();
  }

  @Test
  void aCursorPastRetentionRebuildsFromTheSnapshotThenFollowsTheStreamAgain() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (FakeUpstreams upstreams = new FakeUpstreams(PromptFixtures.catalog())) {
      try (Running first =
          PromptRestartTest.start(PromptFixtures.env(PG.database(), upstreams.peer()))) {
        upstreams.publish(withSeatsUsed("rs-1", 10), ChangeKind.CHANGE_KIND_METRICS);
        upstreams.publish(
            PromptFixtures.score("rs-1", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
        Await.until(
            "rs-1 known",
            () -> first.app().context().account("rs-1").flatMap(a -> a.score()).isPresent());
      }

      // While prompt-service is down, rs-1 changes, rs-2 appears, and both streams prune all of it.
      upstreams.publish(withSeatsUsed("rs-1", 17), ChangeKind.CHANGE_KIND_METRICS);
      upstreams.publish(PromptFixtures.snapshot("rs-2"), ChangeKind.CHANGE_KIND_ACCOUNT);
      upstreams.publish(
          PromptFixtures.score("rs-1", RecommendedMotion.RECOMMENDED_MOTION_FIELD_SALES));
      upstreams.publish(
          PromptFixtures.score("rs-2", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
      // rs-3 changes after the pruning point: the resumed stream delivers it.
      long rs3Change = upstreams.publish(withSeatsUsed("rs-3", 3), ChangeKind.CHANGE_KIND_ACCOUNT);
      long rs3Score =
          upstreams.publish(
              PromptFixtures.score("rs-3", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
      upstreams.pruneBefore(rs3Change, rs3Score);
      upstreams.holdSnapshot();

      try (Running second =
          PromptRestartTest.start(PromptFixtures.env(PG.database(), upstreams.peer()))) {
        assertTrue(upstreams.awaitSnapshotRead(), "the consumer reads the full snapshot");
        assertEquals(ServingStatus.NOT_SERVING, second.health());
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_NOT_READY,
            PromptRestartTest.ask(second, "rs-1", "u1", now).getNoPromptReason());

        upstreams.openSnapshot();
        Await.until(
            "resynchronized and serving",
            () ->
                second.health() == ServingStatus.SERVING
                    && second.app().context().account("rs-3").flatMap(a -> a.score()).isPresent()
                    && second.app().context().account("rs-2").flatMap(a -> a.score()).isPresent());
        var context = second.app().context();
        assertEquals(17, context.account("rs-1").orElseThrow().usage().seatsUsed());
        assertEquals(
            AccountScore.Motion.FIELD_SALES,
            context.account("rs-1").orElseThrow().score().orElseThrow().motion());
        assertEquals(3, context.account("rs-3").orElseThrow().usage().seatsUsed());
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_SALES_OWNED,
            PromptRestartTest.ask(second, "rs-1", "u1", now).getNoPromptReason(),
            "the resynchronized score's motion governs the decision");

        // The stream is followed again from where the upstream retains changes, and stays open:
        // once a change has come through it, the next one needs no reconnect.
        upstreams.publish(withSeatsUsed("rs-2", 4), ChangeKind.CHANGE_KIND_METRICS);
        Await.until(
            "the change after the resync arrives",
            () -> context.account("rs-2").orElseThrow().usage().seatsUsed() == 4);
        int watches = upstreams.accountWatchesOpened();
        upstreams.publish(withSeatsUsed("rs-2", 5), ChangeKind.CHANGE_KIND_METRICS);
        Await.until(
            "the next change arrives",
            () -> context.account("rs-2").orElseThrow().usage().seatsUsed() == 5);
        assertEquals(watches, upstreams.accountWatchesOpened(), "no reconnect was needed");
      }
    }
  }
}
