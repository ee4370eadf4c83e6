package dev.headroom.crm.sync;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import java.time.Duration;
import java.time.Instant;

/**
 * The outage tests' common start: a Salesforce connection that wrote acc-1, then an outage (every
 * request answers 503 until cleared) during which acc-2 is parked for the ten-minute outage delay
 * the tests configure ({@link #OUTAGE_DELAY}).
 */
final class OutageParking {
  static final String MATCH = "Headroom_Account_Id__c";

  /** Settings that park a failed call's records for ten minutes. */
  static final java.util.Map<String, String> OUTAGE_DELAY =
      java.util.Map.of(
          "HEADROOM_CRM_SYNC_OUTAGE_RETRY_INITIAL", "10m",
          "HEADROOM_CRM_SYNC_OUTAGE_RETRY_MAX", "10m");

  private OutageParking() {}

  static void writeAcc1ThenParkAcc2InAnOutage(
      Connector crm, SalesforceStandin sf, String clientSecret) {
    crm.stub.createConnection(
        CreateConnectionRequest.newBuilder()
            .setConnection(Connector.salesforce(sf.baseUrl(), "headroom", clientSecret))
            .build());
    publish(crm, "acc-1");
    Await.until("acc-1 in Salesforce", () -> sf.record("Account", MATCH, "acc-1").isPresent());

    sf.faults().unavailable(100_000);
    publish(crm, "acc-2");
    // Parked for the outage delay, beyond the 2-minute lease a call in flight holds it for.
    Await.until(
        "acc-2 parked by the outage for 10 minutes",
        () ->
            crm.dueAt("acc-2")
                .map(due -> due.isAfter(Instant.now().plus(Duration.ofMinutes(5))))
                .orElse(false));
  }

  static void publish(Connector crm, String accountId) {
    crm.scoring.publish(
        FakeScoring.score(accountId, 82, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1L));
  }
}
