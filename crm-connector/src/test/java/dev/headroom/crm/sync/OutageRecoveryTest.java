package dev.headroom.crm.sync;

import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records that a failed call parked with the outage backoff are sent as soon as the CRM answers
 * again, not when their delay (ten minutes here) runs out.
 */
class OutageRecoveryTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String SECRET = "sf-outage-secret-never-in-logs";

  @Test
  void theFirstSuccessAfterAnOutageSendsWhatTheOutageParked() throws Exception {
    try (SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom", SECRET, "");
        Connector crm = new Connector(PG.database(), OutageParking.OUTAGE_DELAY)) {
      sf.withHeadroomFields();
      sf.start();
      OutageParking.writeAcc1ThenParkAcc2InAnOutage(crm, sf, SECRET);
      sf.faults().clear();

      OutageParking.publish(crm, "acc-3");
      Await.until(
          "acc-3 in Salesforce",
          () -> sf.record("Account", OutageParking.MATCH, "acc-3").isPresent());
      Await.until(
          "acc-2, parked for 10 minutes, sent once acc-3 showed Salesforce answers again",
          java.time.Duration.ofSeconds(30),
          () -> sf.record("Account", OutageParking.MATCH, "acc-2").isPresent());
    }
  }
}
