package dev.headroom.crm.sync;

import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection whose only queued record an outage parked for ten minutes probes the CRM at the
 * probe interval: once the CRM answers again the record goes out, without a new change to act as
 * the first success, and without waiting out its delay.
 */
class OutageProbeTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String SECRET = "sf-probe-secret-never-in-logs";
  private static final String UPSERT = "/composite/sobjects/Account/";

  @Test
  void aParkedRecordIsSentOnceTheProbeFindsTheCrmBack() throws Exception {
    Map<String, String> settings = new HashMap<>(OutageParking.OUTAGE_DELAY);
    settings.put("HEADROOM_CRM_SYNC_OUTAGE_PROBE_INTERVAL", "1s");
    try (SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom", SECRET, "");
        Connector crm = new Connector(PG.database(), settings)) {
      sf.withHeadroomFields();
      sf.start();
      OutageParking.writeAcc1ThenParkAcc2InAnOutage(crm, sf, SECRET);

      // A probe: acc-2 is sent again while the outage lasts, long before its 10 minutes.
      long refusedWhenParked = unavailableUpserts(sf);
      Await.until(
          "acc-2 probed during the outage", () -> unavailableUpserts(sf) > refusedWhenParked);
      sf.faults().clear();

      Await.until(
          "acc-2, parked for 10 minutes and nothing else queued, sent once Salesforce is back",
          Duration.ofSeconds(30),
          () -> sf.record("Account", OutageParking.MATCH, "acc-2").isPresent());
    }
  }

  private static long unavailableUpserts(SalesforceStandin sf) {
    return sf.requests().stream()
        .filter(r -> r.path().contains(UPSERT) && r.status() == 503)
        .count();
  }
}
