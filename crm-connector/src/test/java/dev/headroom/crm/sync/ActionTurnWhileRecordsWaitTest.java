package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.util.List;
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

  private static final String TOKEN = "pat-na1-action-turn-never-logged";
  private static final String UPSERT = "/crm/v3/objects/companies/batch/upsert";
  private static final String TASK_CREATE = "/crm/v3/objects/tasks/batch/create";

  @Test
  void actionsWaitForTheirTurnWhileRecordsWaitThenAllAreCarriedOut() throws Exception {
    try (HubSpotStandin hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
        Connector crm =
            new Connector(
                PG.database(),
                Map.of(
                    "HEADROOM_CRM_SYNC_BATCHES_PER_TICK", "1",
                    "HEADROOM_CRM_SYNC_ACTION_TURN_WHILE_RECORDS_WAIT", "1h"))) {
      hs.withHeadroomProperties();
      hs.start();
      // Five batches of companies, each Tier Upgrade account firing the usage-review task rule.
      for (int i = 0; i < 500; i++) {
        crm.scoring.publish(
            FakeScoring.score("acc-" + i, 50, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 1L));
      }
      Await.until("scores stored", () -> crm.app.followerPosition() == 500);
      crm.stub.createConnection(
          CreateConnectionRequest.newBuilder()
              .setConnection(Connector.hubSpot(hs.baseUrl(), TOKEN))
              .build());

      Await.until("every task created", () -> hs.objectCount("tasks") == 500);
      List<String> paths = hs.requests().stream().map(RecordedRequest::path).toList();
      int lastUpsert = paths.lastIndexOf(UPSERT);
      long createsBeforeIt =
          paths.subList(0, lastUpsert).stream().filter(TASK_CREATE::equals).count();
      assertEquals(5, paths.stream().filter(UPSERT::equals).count(), "company upserts");
      assertTrue(
          createsBeforeIt <= 1,
          "task creates while companies waited: "
              + createsBeforeIt
              + ", expected one turn at most");
    }
  }
}
