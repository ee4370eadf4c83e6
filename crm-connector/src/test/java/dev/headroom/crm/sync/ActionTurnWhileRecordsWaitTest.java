package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records first: while a backlog of account writes waits, the rules' actions get one batch per
 * {@code sync.action-turn-while-records-wait}, and once the records are written every action is
 * carried out.
 */
class ActionTurnWhileRecordsWaitTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void actionsWaitForTheirTurnWhileRecordsWaitThenAllAreCarriedOut() throws Exception {
    try (HubSpotStandin hs = new HubSpotStandin(Clock.systemUTC(), RecordsFirstRun.TOKEN);
        Connector crm =
            new Connector(
                PG.database(),
                Map.of(
                    "HEADROOM_CRM_SYNC_BATCHES_PER_TICK", "1",
                    "HEADROOM_CRM_SYNC_ACTION_TURN_WHILE_RECORDS_WAIT", "1h"))) {
      hs.withHeadroomProperties();
      hs.start();
      // Five batches of companies, each Tier Upgrade account firing the usage-review task rule.
      RecordsFirstRun.start(crm, hs, 500);

      Await.until("every task created", () -> hs.objectCount("tasks") == 500);
      long createsBeforeIt = RecordsFirstRun.taskCreatesBeforeLastUpsert(hs);
      assertEquals(5, RecordsFirstRun.upserts(hs), "company upserts");
      assertTrue(
          createsBeforeIt <= 1,
          "task creates while companies waited: "
              + createsBeforeIt
              + ", expected one turn at most");
    }
  }
}
