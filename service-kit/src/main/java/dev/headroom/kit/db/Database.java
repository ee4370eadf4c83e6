package dev.headroom.kit.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.kit.observe.CheckResult;
import dev.headroom.kit.observe.ReadinessCheck;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * One service's database: a bounded Hikari pool on the service's own schema, Flyway migrations and
 * a Jdbi.
 *
 * <p>{@link #migrate()} applies two migration sets into the service schema, each with its own
 * history table: the kit's tables (outbox, outbox_stream, consumer_cursor) from {@code
 * classpath:dev/headroom/kit/db/migration} tracked in {@code kit_schema_history}, then the
 * service's own from {@code classpath:db/migration/<service>} tracked in the default {@code
 * flyway_schema_history}. Separate histories keep the kit's version numbers from colliding with a
 * service's {@code V1__...}, so services include the outbox by doing nothing at all.
 */
public final class Database implements AutoCloseable {
  private final String service;
  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  public Database(String service, DatabaseSettings settings) {
    this.service = service;
    this.settings = settings;
    HikariConfig hc = new HikariConfig();
    hc.setPoolName(service + "-db");
    hc.setJdbcUrl(settings.url());
    if (!settings.user().isEmpty()) {
      hc.setUsername(settings.user());
      hc.setPassword(settings.password());
    }
    hc.setMaximumPoolSize(settings.poolSize());
    hc.setMinimumIdle(Math.min(2, settings.poolSize()));
    hc.setConnectionTimeout(settings.connectionTimeout().toMillis());
    hc.setValidationTimeout(
        Math.max(250, Math.min(settings.connectionTimeout().toMillis(), 2_000)));
    hc.setSchema(settings.schema());
    // Start even when the database is down: the process must come up and report NOT_SERVING instead
    // of crashing,
    // so orchestration sees an unready pod rather than a crash loop.
    hc.setInitializationFailTimeout(-1);
    hc.addDataSourceProperty("ApplicationName", "headroom-" + service);
    this.dataSource = new HikariDataSource(hc);
    this.jdbi =
        Jdbi.create(dataSource)
            .installPlugin(new SqlObjectPlugin())
            .installPlugin(new PostgresPlugin());
  }

  public String service() {
    return service;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public String schema() {
    return settings.schema();
  }

  /**
   * Applies the kit's tables and then {@code classpath:db/migration/<service>}; returns the
   * service's result.
   */
  public MigrateResult migrate() {
    return migrate("classpath:db/migration/" + service);
  }

  public MigrateResult migrate(String serviceLocation) {
    Flyway.configure(getClass().getClassLoader())
        .dataSource(dataSource)
        .schemas(settings.schema())
        .createSchemas(true)
        .table("kit_schema_history")
        .locations("classpath:dev/headroom/kit/db/migration")
        .load()
        .migrate();
    return Flyway.configure(getClass().getClassLoader())
        .dataSource(dataSource)
        .schemas(settings.schema())
        .createSchemas(true)
        // The schema already holds the kit's tables, which Flyway would refuse as "non-empty
        // without history";
        // a baseline at version 0 records that state and still applies every service migration from
        // V1.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .locations(serviceLocation)
        .failOnMissingLocations(false)
        .load()
        .migrate();
  }

  /**
   * A connection outside the pool, for long-lived sessions such as LISTEN that would otherwise pin
   * a pooled connection forever. The caller closes it.
   */
  public Connection openDedicatedConnection() throws SQLException {
    Properties p = new Properties();
    if (!settings.user().isEmpty()) {
      p.setProperty("user", settings.user());
      p.setProperty("password", settings.password());
    }
    p.setProperty("ApplicationName", "headroom-" + service + "-listen");
    p.setProperty(
        "connectTimeout", Long.toString(Math.max(1, settings.connectionTimeout().toSeconds())));
    Connection c = DriverManager.getConnection(settings.url(), p);
    c.setSchema(settings.schema());
    return c;
  }

  /**
   * Readiness: a {@code SELECT 1} bounded by the pool's connection timeout and the probe statement
   * timeout.
   */
  public ReadinessCheck readinessCheck() {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return "database";
      }

      @Override
      public CheckResult check() {
        try (Connection c = dataSource.getConnection();
            Statement st = c.createStatement()) {
          st.setQueryTimeout((int) Math.max(1, settings.probeTimeout().toSeconds()));
          try (ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
          }
          return CheckResult.up(name());
        } catch (SQLException e) {
          // Only the SQL state goes into the detail: messages may echo connection strings.
          return CheckResult.down(
              name(), "database unreachable (SQLState " + e.getSQLState() + ")");
        }
      }
    };
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
