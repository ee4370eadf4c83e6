package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records first, also when no full batch waits: three batches (the last one partial) with one
 * account the CRM refuses. Its two retries go out with nothing else queued, and the tasks of the
 * 249 accounts written wait for them too, but for their one turn of {@code
 * sync.action-turn-while-records-wait}.
 */
class ActionsWaitForRefusedRetriesTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void actionsWaitWhileARefusedRecordIsRetried() throws Exception {
    try (HubSpotStandin hs = new HubSpotStandin(Clock.systemUTC(), RecordsFirstRun.TOKEN);
        Connector crm =
            new Connector(
                PG.database(), Map.of("HEADROOM_CRM_SYNC_ACTION_TURN_WHILE_RECORDS_WAIT", "1h"))) {
      hs.withHeadroomProperties();
      hs.rejectRecord("acc-7", "Expansion fields are locked by a validation rule");
      hs.start();
      String connectionId = RecordsFirstRun.start(crm, hs, 250);

      Await.until("every task created", () -> hs.objectCount("tasks") == 249);
      Await.until(
          "acc-7 dead-lettered",
          () ->
              crm.stub
                      .listSyncRecords(
                          ListSyncRecordsRequest.newBuilder().setConnectionId(connectionId).build())
                      .getRecordsCount()
                  == 1);
      long createsBeforeIt = RecordsFirstRun.taskCreatesBeforeLastUpsert(hs);
      // 3 batches, then acc-7 twice more (the tests' max-attempts is 3).
      assertEquals(5, RecordsFirstRun.upserts(hs), "company upserts");
      assertTrue(
          createsBeforeIt <= 1,
          "task creates while acc-7's retries waited: "
              + createsBeforeIt
              + ", expected one turn at most");
    }
  }
}
