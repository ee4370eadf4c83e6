package dev.headroom.crm.sync;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records that a failed call parked with the outage backoff are sent as soon as the CRM answers
 * again, not when their delay (ten minutes here) runs out.
 */
class OutageRecoveryTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String SECRET = "sf-outage-secret-never-in-logs";
  private static final String MATCH = "Headroom_Account_Id__c";

  @Test
  void theFirstSuccessAfterAnOutageSendsWhatTheOutageParked() throws Exception {
    try (SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom", SECRET, "");
        Connector crm =
            new Connector(
                PG.database(),
                Map.of(
                    "HEADROOM_CRM_SYNC_OUTAGE_RETRY_INITIAL", "10m",
                    "HEADROOM_CRM_SYNC_OUTAGE_RETRY_MAX", "10m"))) {
      sf.withHeadroomFields();
      sf.start();
      crm.stub.createConnection(
          CreateConnectionRequest.newBuilder()
              .setConnection(Connector.salesforce(sf.baseUrl(), "headroom", SECRET))
              .build());
      publish(crm, "acc-1");
      Await.until("acc-1 in Salesforce", () -> sf.record("Account", MATCH, "acc-1").isPresent());

      // Salesforce goes down: every request answers 503 until the outage is over.
      sf.faults().unavailable(100_000);
      publish(crm, "acc-2");
      // Parked for the outage delay, beyond the 2-minute lease a call in flight holds it for.
      Await.until(
          "acc-2 parked by the outage for 10 minutes",
          () ->
              crm.dueAt("acc-2")
                  .map(due -> due.isAfter(Instant.now().plus(java.time.Duration.ofMinutes(5))))
                  .orElse(false));
      sf.faults().clear();

      publish(crm, "acc-3");
      Await.until("acc-3 in Salesforce", () -> sf.record("Account", MATCH, "acc-3").isPresent());
      Await.until(
          "acc-2, parked for 10 minutes, sent once acc-3 showed Salesforce answers again",
          java.time.Duration.ofSeconds(30),
          () -> sf.record("Account", MATCH, "acc-2").isPresent());
    }
  }

  private static void publish(Connector crm, String accountId) {
    crm.scoring.publish(
        FakeScoring.score(accountId, 82, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1L));
  }
}
