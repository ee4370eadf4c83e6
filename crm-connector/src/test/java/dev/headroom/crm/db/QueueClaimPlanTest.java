package dev.headroom.crm.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new connection's first sync claims its batches by reading only the rows it claims, also while
 * the queue's statistics still describe another connection's rows (they do until the next
 * auto-analyze, which on a busy database comes tens of seconds later). A claim that reads every row
 * of the connection per batch made such a sync crawl at a tenth of its speed.
 */
class QueueClaimPlanTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final int QUEUED = 20_000;
  private static final int BATCH = 100;
  private static final OffsetDateTime NOW =
      OffsetDateTime.of(2026, 12, 1, 12, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void aSyncClaimReadsOnlyItsBatchWhenTheStatisticsPredateTheConnection() throws Exception {
    String insert =
        """
        INSERT INTO pending_sync (connection_id, account_id, due_at, queued_at, trig)
        SELECT :c, 'acc-' || lpad(i::text, 6, '0'), :now, :now, 'RECONCILE'
        FROM generate_series(1, :n) i\
        """;
    String claim =
        SyncDao.class
            .getMethod(
                "claim",
                String.class,
                OffsetDateTime.class,
                OffsetDateTime.class,
                int.class,
                String[].class)
            .getAnnotation(SqlQuery.class)
            .value();
    assertClaimReadsOnlyItsBatch("pending_sync", insert, claim, Map.of("inFlight", new String[0]));
  }

  @Test
  void anActionClaimReadsOnlyItsBatchWhenTheStatisticsPredateTheConnection() throws Exception {
    String insert =
        """
        INSERT INTO rule_action (connection_id, action_key, rule_id, account_id, action_type,
          target, status, due_at, created_at, updated_at)
        SELECT :c, 'key-' || lpad(i::text, 6, '0'), 'rule-1', 'acc-' || i, 'TASK', '', 'PENDING',
          :now, :now, :now
        FROM generate_series(1, :n) i\
        """;
    String claim =
        ActionDao.class
            .getMethod("claim", String.class, OffsetDateTime.class, OffsetDateTime.class, int.class)
            .getAnnotation(SqlQuery.class)
            .value();
    assertClaimReadsOnlyItsBatch("rule_action", insert, claim, Map.of());
  }

  /**
   * Queues rows of an earlier connection, analyzes the table, replaces them with a new connection's
   * rows (auto-analyze off, so the statistics stay stale), then runs {@code claim} for the new
   * connection under EXPLAIN ANALYZE.
   */
  private static void assertClaimReadsOnlyItsBatch(
      String table, String insert, String claim, Map<String, Object> extraParams) throws Exception {
    try (Database db = new Database("crm", PG.database().settings("crm"))) {
      db.migrate();
      Jdbi jdbi = db.jdbi();
      jdbi.useHandle(
          h -> {
            h.execute("ALTER TABLE " + table + " SET (autovacuum_enabled = false)");
            queue(h, insert, "con-earlier", 2_000);
            h.execute("ANALYZE " + table);
            h.execute("DELETE FROM " + table);
            queue(h, insert, "con-new", QUEUED);
          });
      Map<String, Object> params = new HashMap<>(extraParams);
      params.put("connectionId", "con-new");
      params.put("now", NOW);
      params.put("leaseUntil", NOW.plusMinutes(5));
      params.put("limit", BATCH);

      JsonNode plan = explain(jdbi, claim, params);

      assertEquals(BATCH, plan.path("Actual Rows").asLong(), "one batch claimed");
      long read = rowsRead(plan, table);
      assertTrue(
          read <= 10L * BATCH,
          read + " rows of the connection's " + QUEUED + " read to claim " + BATCH + ":\n" + plan);
    }
  }

  private static void queue(Handle h, String insert, String connectionId, int rows) {
    h.createUpdate(insert).bind("c", connectionId).bind("now", NOW).bind("n", rows).execute();
  }

  /** Runs the statement under EXPLAIN ANALYZE, rolled back; the plan's top node. */
  private static JsonNode explain(Jdbi jdbi, String sql, Map<String, Object> params)
      throws Exception {
    String json =
        jdbi.inTransaction(
            h -> {
              String out =
                  h.createQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                      .bindMap(params)
                      .mapTo(String.class)
                      .one();
              h.rollback();
              return out;
            });
    return new ObjectMapper().readTree(json).get(0).get("Plan");
  }

  /**
   * Rows the plan's scans of {@code table} read: returned or filtered out, times the scan's loops.
   */
  private static long rowsRead(JsonNode node, String table) {
    long read = 0;
    if (table.equals(node.path("Relation Name").asText())) {
      read =
          (node.path("Actual Rows").asLong()
                  + node.path("Rows Removed by Filter").asLong()
                  + node.path("Rows Removed by Index Recheck").asLong())
              * Math.max(1, node.path("Actual Loops").asLong());
    }
    long joinFiltered = node.path("Rows Removed by Join Filter").asLong();
    for (JsonNode child : node.path("Plans")) {
      read += rowsRead(child, table);
    }
    return read + joinFiltered;
  }
}
