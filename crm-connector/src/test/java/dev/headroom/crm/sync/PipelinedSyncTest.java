package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine claims and diffs the next batch while a request is in flight: accounts rescored during
 * the sync still end with their newest score, and no record goes out twice except a rescored one
 * carrying its newer value, also when an outage fails a request in the middle.
 */
class PipelinedSyncTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String SECRET = "sf-pipeline-secret-never-in-logs";
  private static final String MATCH = "Headroom_Account_Id__c";
  private static final String UPSERT = "/composite/sobjects/Account/" + MATCH;
  private static final int ACCOUNTS = 2_000;

  @Test
  void rescoredAccountsEndWithTheirNewestScoreAndNoRecordIsSentTwice() throws Exception {
    try (SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom", SECRET, "");
        Connector crm = new Connector(PG.database())) {
      sf.withHeadroomFields();
      sf.start();
      Map<String, Integer> newest = new HashMap<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        publish(crm, newest, "acc-" + i, 40 + i % 30);
      }
      Await.until("scores stored", () -> crm.app.followerPosition() == ACCOUNTS);
      crm.stub.createConnection(
          CreateConnectionRequest.newBuilder()
              .setConnection(Connector.salesforce(sf.baseUrl(), "headroom", SECRET))
              .build());
      Await.until("the first batches sent", () -> upserts(sf).size() >= 2);
      // Salesforce is down for a few requests mid-sync, and every tenth account changes meanwhile.
      sf.faults().unavailable(8);
      int rescored = 0;
      for (int i = 0; i < ACCOUNTS; i += 10) {
        publish(crm, newest, "acc-" + i, 71 + i % 5);
        rescored++;
      }

      Await.until(
          "every account in Salesforce with its newest score",
          java.time.Duration.ofSeconds(90),
          () -> newest.entrySet().stream().allMatch(e -> holds(sf, e.getKey(), e.getValue())));
      Await.until("nothing left queued", () -> crm.dueAt("acc-0").isEmpty());
      long delivered =
          upserts(sf).stream()
              .filter(r -> r.status() == 200)
              .mapToLong(r -> r.records().size())
              .sum();
      assertEquals(ACCOUNTS, sf.recordCount("Account"));
      assertTrue(
          delivered >= ACCOUNTS && delivered <= ACCOUNTS + rescored,
          delivered + " records delivered: only a rescored account may go out a second time");
      assertTrue(
          upserts(sf).stream().allMatch(r -> r.records().size() <= SalesforceStandin.MAX_RECORDS));
      assertTrue(upserts(sf).stream().anyMatch(r -> r.status() == 503), "the outage was hit");
    }
  }

  private static void publish(
      Connector crm, Map<String, Integer> newest, String accountId, int score) {
    newest.put(accountId, score);
    crm.scoring.publish(
        FakeScoring.score(accountId, score, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1L));
  }

  private static boolean holds(SalesforceStandin sf, String accountId, int score) {
    return sf.record("Account", MATCH, accountId)
        .map(
            r -> r.get("Expansion_Readiness_Score__c") instanceof Number n && n.intValue() == score)
        .orElse(false);
  }

  private static List<RecordedRequest> upserts(SalesforceStandin sf) {
    return sf.requests().stream().filter(r -> r.path().endsWith(UPSERT)).toList();
  }
}
