package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch of rule actions holds one action type: the companies' tasks fill one batch create and
 * their enrolments one contact lookup, however the two are interleaved among the accounts.
 */
class ActionBatchesByTypeTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String TOKEN = "pat-na1-by-type-never-logged";

  @Test
  void aHundredTasksGoOutInOneCreateAndFiftyEnrolmentsInOneLookup() throws Exception {
    try (HubSpotStandin hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
        Connector crm = new Connector(PG.database())) {
      hs.withHeadroomProperties();
      hs.start();
      hs.addList("Self-serve expansion");
      // Every third account is a Seat Add above 60 (an enrolment), the others Tier Upgrades (a
      // task): each batch of 100 companies fires both kinds.
      for (int i = 0; i < 150; i++) {
        crm.scoring.publish(
            i % 3 == 0
                ? FakeScoring.score("acc-" + i, 65, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1L)
                : FakeScoring.score("acc-" + i, 50, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 1L));
      }
      Await.until("scores stored", () -> crm.app.followerPosition() == 150);
      crm.stub.createConnection(
          CreateConnectionRequest.newBuilder()
              .setConnection(Connector.hubSpot(hs.baseUrl(), TOKEN))
              .build());

      Await.until("every task created", () -> hs.objectCount("tasks") == 100);
      Await.until(
          "every enrolment settled",
          () ->
              crm.ruleActions("acc-0").equals(java.util.List.of("ENROLL_CAMPAIGN SKIPPED"))
                  && crm.ruleActions("acc-147")
                      .equals(java.util.List.of("ENROLL_CAMPAIGN SKIPPED")));
      assertEquals(1, requests(hs, "/crm/v3/objects/tasks/batch/create"), "task creates");
      assertEquals(
          1, requests(hs, "/crm/v4/associations/companies/contacts/batch/read"), "contact lookups");
    }
  }

  private static long requests(HubSpotStandin hs, String path) {
    return hs.requests().stream().filter(r -> r.path().equals(path)).count();
  }
}
