package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection's first sync starts on statistics that know its queued records: plans built on
 * statistics of another connection's queue look its records up through the connection's whole range
 * of an index, and the sync crawled until the next auto-analyze (which this test turns off).
 */
class QueueStatisticsTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String SECRET = "sf-statistics-secret-never-in-logs";
  private static final int ACCOUNTS = 300;

  @Test
  void aFirstSyncsQueueIsAnalyzedWithItsRecords() throws Exception {
    Jdbi jdbi = Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
    try (SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom", SECRET, "");
        Connector crm = new Connector(PG.database())) {
      sf.withHeadroomFields();
      sf.start();
      jdbi.useHandle(
          h -> h.execute("ALTER TABLE crm.pending_sync SET (autovacuum_enabled = false)"));
      for (int i = 0; i < ACCOUNTS; i++) {
        crm.scoring.publish(
            FakeScoring.score("acc-" + i, 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 1L));
      }
      Await.until("scores stored", () -> crm.app.followerPosition() == ACCOUNTS);

      String connectionId =
          crm.stub
              .createConnection(
                  CreateConnectionRequest.newBuilder()
                      .setConnection(Connector.salesforce(sf.baseUrl(), "headroom", SECRET))
                      .build())
              .getConnection()
              .getConnectionId();
      Await.until("every account in Salesforce", () -> sf.recordCount("Account") == ACCOUNTS);

      String commonConnections =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT coalesce(most_common_vals::text, '') FROM pg_stats"
                              + " WHERE schemaname = 'crm' AND tablename = 'pending_sync'"
                              + " AND attname = 'connection_id'")
                      .mapTo(String.class)
                      .findOne()
                      .orElse(""));
      assertTrue(
          commonConnections.contains(connectionId),
          "the queue's statistics name the new connection: " + commonConnections);
    }
  }
}
