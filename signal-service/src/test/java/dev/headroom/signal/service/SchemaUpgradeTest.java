package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.ListAccountsRequest;
import dev.headroom.api.signal.v1.ListUsersRequest;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.signal.ingest.EventValidator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator upgrading a signal schema that already holds data: migrations after V3 (byte-order
 * identifiers, facts keyed by their event id) keep every accepted event, its idempotency, the
 * users, the rollups (folded and pending) and the accounts, and the service runs on the upgraded
 * schema.
 */
class SchemaUpgradeTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  // One "now" for the whole class: the services under test run on a clock fixed at it.
  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @Test
  void dataWrittenBeforeTheByteOrderMigrationSurvivesItAndTheServiceRunsOnIt() {
    try (Database db = new Database("signal", PG.database().settings("signal"))) {
      // The kit's tables and the service's history baseline, then the service schema as of V3.
      db.migrate("classpath:db/migration/none");
      Flyway.configure(getClass().getClassLoader())
          .dataSource(db.dataSource())
          .schemas("signal")
          .locations("classpath:db/migration/signal")
          .target("3")
          .load()
          .migrate();
      Jdbi jdbi = db.jdbi();
      String day = NOW.toString().substring(0, 10);
      jdbi.useHandle(
          h -> {
            h.execute(
                "INSERT INTO product (product_key, display_name, catalog_order) VALUES ('core',"
                    + " 'Core', 0)");
            h.execute(
                "INSERT INTO plan (plan_key, product_key, tier_rank, display_name, currency,"
                    + " seat_price_minor, base_price_minor, included_seats) VALUES ('pro', 'core',"
                    + " 1, 'Pro', 'USD', 1500, 0, 5)");
            for (String id : List.of("alpha", "Zeta", "Beta")) {
              h.execute(
                  "INSERT INTO account (account_id, name, currency_code) VALUES (?, ?, 'USD')",
                  id,
                  id);
              h.execute(
                  "INSERT INTO subscription (account_id, product_key, since, plan_key,"
                      + " seats_purchased) VALUES (?, 'core', ?::timestamptz, 'pro', 10)",
                  id,
                  NOW.minus(30, ChronoUnit.DAYS).toString());
              h.execute("INSERT INTO account_seen (account_id) VALUES (?)", id);
            }
            h.execute(
                "INSERT INTO event_dedupe (event_id, content_hash)"
                    + " VALUES ('old-1', '\\x01'), ('old-2', '\\x02'), ('old-3', ?)",
                EventValidator.contentHash("alpha", "u3", "USER_ACTIVE", "{}", NOW));
            h.execute(
                "INSERT INTO usage_fact (account_id, occurred_at, event_id, user_id, kind) VALUES"
                    + " ('alpha', ?::timestamptz, 'old-1', 'u1', 'USER_ACTIVE'),"
                    + " ('alpha', ?::timestamptz, 'old-2', 'u2', 'USER_ACTIVE'),"
                    + " ('alpha', ?::timestamptz, 'old-3', 'u3', 'USER_ACTIVE')",
                NOW.toString(),
                NOW.toString(),
                NOW.toString());
            // A user added through PutUser before its fact ids were account-scoped.
            h.execute(
                "INSERT INTO usage_fact (account_id, occurred_at, event_id, user_id, kind, role)"
                    + " VALUES ('alpha', ?::timestamptz, ?, 'u5', 'USER_ADDED', 'ADMIN')",
                NOW.toString(),
                "putuser/u5/USER_ADDED/" + ChronoUnit.MICROS.between(Instant.EPOCH, NOW));
            // One increment already folded, one still pending in a batch row.
            h.execute(
                "INSERT INTO daily_rollup (account_id, day, metric, key, value)"
                    + " VALUES ('alpha', ?::date, 'USER_ACTIVE', '', 1)",
                day);
            h.execute(
                "INSERT INTO daily_rollup_delta_batch (account_ids, days, metrics, keys, vals)"
                    + " VALUES ('{alpha}', ?::date[], '{USER_ACTIVE}', '{\"\"}', '{1}')",
                "{" + day + "}");
          });

      db.migrate();

      assertEquals(
          List.of("C"),
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT DISTINCT collation_name FROM information_schema.columns WHERE"
                              + " table_schema = 'signal' AND column_name IN ('account_id',"
                              + " 'event_id') AND table_name NOT LIKE 'outbox%' AND table_name NOT"
                              + " LIKE 'event_raw_p%'")
                      .mapTo(String.class)
                      .list()),
          "every account and event id column compares as bytes");
      assertEquals(2, activeUsersRollup(jdbi), "folded and pending rollup increments both count");
      assertEquals(4, number(jdbi, "SELECT count(*) FROM usage_fact WHERE account_id = 'alpha'"));
      assertEquals(
          1,
          number(
              jdbi,
              "SELECT count(*) FROM usage_fact"
                  + " WHERE event_id = 'putuser/alpha/u5/USER_ADDED/"
                  + ChronoUnit.MICROS.between(Instant.EPOCH, NOW)
                  + "'"),
          "PutUser fact ids are account-scoped");
    }

    SignalTestSupport svc = SignalTestSupport.start(PG.database());
    try {
      assertEquals(
          List.of("Beta", "Zeta", "alpha"),
          svc.stub.listAccounts(ListAccountsRequest.newBuilder().build()).getAccountsList().stream()
              .map(a -> a.getAccountId())
              .toList(),
          "accounts list in byte order");
      IngestEventsResponse r =
          svc.stub.ingestEvents(
              IngestEventsRequest.newBuilder()
                  .addEvents(
                      SignalTestSupport.event("old-1", "alpha", "u9", NOW, "USER_ACTIVE", Map.of()))
                  .addEvents(
                      SignalTestSupport.event("new-1", "alpha", "u3", NOW, "USER_ACTIVE", Map.of()))
                  .addEvents(
                      SignalTestSupport.event("old-3", "alpha", "u3", NOW, "USER_ACTIVE", Map.of()))
                  .build());
      assertEquals(
          EventOutcome.EVENT_OUTCOME_REJECTED,
          r.getResults(0).getOutcome(),
          "an id accepted before the upgrade is still taken");
      assertEquals(EventOutcome.EVENT_OUTCOME_ACCEPTED, r.getResults(1).getOutcome());
      assertEquals(
          EventOutcome.EVENT_OUTCOME_DUPLICATE,
          r.getResults(2).getOutcome(),
          "an identical resend of an event accepted before the upgrade is still a duplicate");
      assertEquals(
          List.of("u5"),
          svc
              .stub
              .listUsers(ListUsersRequest.newBuilder().setAccountId("alpha").build())
              .getUsersList()
              .stream()
              .map(u -> u.getUserId())
              .toList(),
          "the user added before the upgrade");
      Jdbi jdbi = svc.app.database().jdbi();
      assertEquals(3, activeUsersRollup(jdbi), "the new event's increment joins the migrated ones");
    } finally {
      svc.close();
    }
  }

  private static long activeUsersRollup(Jdbi jdbi) {
    return number(
        jdbi,
        "SELECT value FROM daily_rollup_current WHERE account_id = 'alpha' AND metric ="
            + " 'USER_ACTIVE'");
  }

  private static long number(Jdbi jdbi, String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
