package dev.headroom.signal.service;

import static dev.headroom.signal.service.SignalTestSupport.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Everything acknowledged before a restart is there afterwards. */
class SignalRestartTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void acknowledgedDataSurvivesARestart() {
    Instant now = Instant.now();
    IngestEventsRequest.Builder batch = IngestEventsRequest.newBuilder();
    for (int i = 0; i < 3; i++) {
      batch.addEvents(
          event(
              "rs-" + i,
              "restart-acct",
              "u" + i,
              now.minus(1, ChronoUnit.DAYS),
              "USER_ADDED",
              Map.of("role", "MEMBER")));
    }
    try (SignalTestSupport first = SignalTestSupport.start(PG.database())) {
      first.seedCatalog();
      first.putAccount("restart-acct", "pro", 5, now.minus(10, ChronoUnit.DAYS));
      assertEquals(3, first.stub.ingestEvents(batch.build()).getAcceptedCount());
    }
    try (SignalTestSupport second = SignalTestSupport.start(PG.database())) {
      assertEquals(
          "pro",
          second
              .stub
              .getAccount(GetAccountRequest.newBuilder().setAccountId("restart-acct").build())
              .getAccount()
              .getSubscriptions(0)
              .getPlanKey());
      assertEquals(
          3,
          second
              .stub
              .getUsageSnapshot(
                  GetUsageSnapshotRequest.newBuilder().setAccountId("restart-acct").build())
              .getSnapshot()
              .getSeatsUsed());
      var again = second.stub.ingestEvents(batch.build());
      assertEquals(3, again.getDuplicateCount());
      assertEquals(EventOutcome.EVENT_OUTCOME_DUPLICATE, again.getResults(0).getOutcome());
    }
  }
}
