package dev.headroom.kit.testing;

import dev.headroom.kit.db.DatabaseSettings;
import java.time.Duration;

/** A fresh database for one test class, with helpers to make it unreachable and reachable again. */
public record TestDatabase(
    PostgresServer server, String name, String url, String user, String password) {

  /**
   * Settings for a service schema in this database, with short timeouts so an outage shows up
   * quickly.
   */
  public DatabaseSettings settings(String schema) {
    return new DatabaseSettings(
        url, user, password, schema, 4, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  /**
   * Refuses new connections and terminates existing ones: to the service it looks like the database
   * died.
   */
  public void makeUnreachable() {
    server.execAdmin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
    server.execAdmin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
  }

  public void makeReachable() {
    server.execAdmin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
  }

  public void drop() {
    makeUnreachable();
    server.execAdmin("DROP DATABASE IF EXISTS " + name);
  }
}
