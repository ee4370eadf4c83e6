package dev.headroom.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.testing.PostgresExtension;
import java.util.List;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void migrationsApplyToAFreshDatabaseOncePerSchema() {
    try (Database db = new Database("kittest", PG.database().settings("kittest"))) {
      MigrateResult first = db.migrate();
      assertEquals(1, first.migrationsExecuted);
      List<String> tables =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT table_name FROM information_schema.tables WHERE table_schema"
                                  + " = 'kittest' ORDER BY 1")
                          .mapTo(String.class)
                          .list());
      assertTrue(
          tables.containsAll(
              List.of(
                  "consumer_cursor",
                  "outbox",
                  "outbox_stream",
                  "widget",
                  "flyway_schema_history",
                  "kit_schema_history")),
          tables.toString());
      assertEquals(0, db.migrate().migrationsExecuted, "re-running is a no-op");
      assertTrue(db.readinessCheck().check().up());
    }
    // A second service in the same database gets its own schema and its own outbox.
    try (Database other = new Database("other", PG.database().settings("other_svc"))) {
      other.migrate();
      long n =
          other
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT count(*) FROM information_schema.tables WHERE table_schema ="
                                  + " 'other_svc' AND table_name = 'outbox'")
                          .mapTo(Long.class)
                          .one());
      assertEquals(1, n);
    }
  }
}
