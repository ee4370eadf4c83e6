package dev.headroom.kit.db;

import dev.headroom.kit.config.KitConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Connection settings for one service's schema.
 *
 * @param url JDBC URL ({@code jdbc:postgresql://host:5432/headroom})
 * @param schema the service's own schema; Flyway creates it and every connection uses it as
 *     search_path
 * @param poolSize upper bound on pooled connections (Hikari maximumPoolSize)
 * @param connectionTimeout how long a caller waits for a pooled connection; also bounds how long a
 *     readiness probe can hang when the database is unreachable
 * @param probeTimeout statement timeout of the readiness {@code SELECT 1}
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    String schema,
    int poolSize,
    Duration connectionTimeout,
    Duration probeTimeout) {

  public DatabaseSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(schema, "schema");
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      // The schema name is interpolated into DDL and search_path, so only plain identifiers are
      // accepted.
      throw new IllegalArgumentException("schema must be a lower-case SQL identifier: " + schema);
    }
    if (poolSize < 1 || poolSize > 200) {
      throw new IllegalArgumentException("poolSize must be within 1..200: " + poolSize);
    }
    if (connectionTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("connectionTimeout must be >= 250ms (HikariCP minimum)");
    }
  }

  /**
   * Reads {@code database.url}, {@code database.schema}, {@code database.pool-size}, {@code
   * database.connection-timeout}, {@code database.probe-timeout} (required: their defaults are in
   * the service's YAML) and the optional credentials {@code database.user}, {@code
   * database.password}.
   */
  public static DatabaseSettings from(KitConfig config) {
    return new DatabaseSettings(
        config.string("database.url"),
        config.optionalString("database.user").orElse(""),
        config.optionalString("database.password").orElse(""),
        config.string("database.schema"),
        config.integer("database.pool-size", 1, 200),
        config.duration("database.connection-timeout"),
        config.duration("database.probe-timeout"));
  }

  @Override
  public String toString() {
    // Never print the password (records would by default).
    return "DatabaseSettings[url="
        + url
        + ", user="
        + user
        + ", schema="
        + schema
        + ", poolSize="
        + poolSize
        + "]";
  }
}
