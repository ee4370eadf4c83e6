package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.FaultScript;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.Connector;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stopping the connector while a CRM call is in flight is a shutdown, not a failure to report. */
class ShutdownDuringACallTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String SECRET = "sf-shutdown-secret-never-in-logs";

  @Test
  void closingWhileACallIsInFlightLogsNoFailedTick() throws Exception {
    Apps.CapturedLogs logs = Apps.CapturedLogs.install();
    try (SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom", SECRET, "")) {
      sf.withHeadroomFields();
      sf.start();
      Connector crm = new Connector(PG.database());
      FaultScript.Hold hold;
      try {
        crm.stub.createConnection(
            CreateConnectionRequest.newBuilder()
                .setConnection(Connector.salesforce(sf.baseUrl(), "headroom", SECRET))
                .build());
        OutageParking.publish(crm, "acc-1");
        Await.until(
            "acc-1 in Salesforce",
            () -> sf.record("Account", OutageParking.MATCH, "acc-1").isPresent());
        hold = sf.faults().holdNext();
        OutageParking.publish(crm, "acc-2");
        assertTrue(hold.awaitArrival(Duration.ofSeconds(30)), "acc-2's upsert reached Salesforce");
      } finally {
        crm.close();
      }
      hold.release();
      assertFalse(
          logs.text().contains("sync tick failed"),
          "a stop during a call is reported as a failed tick:\n" + logs.text());
    } finally {
      logs.close();
    }
  }
}
