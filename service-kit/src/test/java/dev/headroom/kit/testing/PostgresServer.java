package dev.headroom.kit.testing;

import dev.headroom.kit.db.DurableServerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server tests run against, chosen once per JVM: {@code HEADROOM_TEST_DATABASE_URL}
 * when set (a JDBC URL with credentials for a role allowed to CREATE DATABASE), else Testcontainers
 * when a Docker engine answers, else embedded PostgreSQL. Each test class gets its own fresh
 * database from {@link #createDatabase()}.
 *
 * <p>The one static holder in the kit, on purpose: starting PostgreSQL costs seconds, so one server
 * is shared by every test class of the JVM and stopped by a shutdown hook.
 */
public final class PostgresServer {
  private static final Logger LOG = Logger.getLogger(PostgresServer.class.getName());
  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^/?]+)/([^?]*)(\\?.*)?");

  private static volatile PostgresServer shared;

  private final String adminUrl;
  private final String user;
  private final String password;
  private final String kind;

  private PostgresServer(String adminUrl, String user, String password, String kind) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.kind = kind;
  }

  /** The JVM's server, started on first use. */
  public static PostgresServer shared() {
    PostgresServer s = shared;
    if (s == null) {
      synchronized (PostgresServer.class) {
        s = shared;
        if (s == null) {
          s = start(System.getenv());
          shared = s;
        }
      }
    }
    return s;
  }

  private static PostgresServer start(Map<String, String> env) {
    String url = env.get("HEADROOM_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      return new PostgresServer(
          url,
          env.getOrDefault("HEADROOM_TEST_DATABASE_USER", ""),
          env.getOrDefault("HEADROOM_TEST_DATABASE_PASSWORD", ""),
          "external");
    }
    if (dockerAvailable()) {
      PostgreSQLContainer c = new PostgreSQLContainer("postgres:16-alpine");
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "pg-container-stop"));
      return new PostgresServer(c.getJdbcUrl(), c.getUsername(), c.getPassword(), "testcontainers");
    }
    return startEmbedded("true".equalsIgnoreCase(env.get("HEADROOM_TEST_DATABASE_DURABLE")));
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * @param durable benchmarks measure what production commits cost: fsync and synchronous commit on
   *     (tests keep the library's fast, non-durable defaults; none of them depends on surviving a
   *     crash of the machine)
   */
  private static PostgresServer startEmbedded(boolean durable) {
    try {
      // Surefire points java.io.tmpdir into target/tmp, which nothing else creates; embedded
      // PostgreSQL
      // unpacks its binaries and data directory there.
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(tmp);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setRegisterShutdownHook(false);
      if (durable) {
        DurableServerSettings.SETTINGS.forEach(builder::setServerConfig);
      }
      EmbeddedPostgres pg = builder.start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException e) {
                      // the JVM is exiting; the data directory is in target/ and goes with the next
                      // clean
                    }
                  },
                  "embedded-pg-stop"));
      LOG.info(
          "started embedded PostgreSQL on port " + pg.getPort() + (durable ? " (durable)" : ""));
      return new PostgresServer(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  public String kind() {
    return kind;
  }

  /** Creates an empty database with a random name. */
  public TestDatabase createDatabase() {
    String name =
        "kit_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 16)
                .toLowerCase(Locale.ROOT);
    execAdmin("CREATE DATABASE " + name);
    return new TestDatabase(this, name, urlFor(name), user, password);
  }

  /** Runs a statement on the server's admin database (DDL on databases, pg_terminate_backend). */
  public void execAdmin(String sql) {
    try (Connection c = connect(adminUrl);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("admin statement failed: " + sql, e);
    }
  }

  private Connection connect(String url) throws SQLException {
    return user.isEmpty()
        ? DriverManager.getConnection(url)
        : DriverManager.getConnection(url, user, password);
  }

  String urlFor(String database) {
    Matcher m = JDBC.matcher(adminUrl);
    if (!m.matches()) {
      throw new IllegalStateException(
          "not a jdbc:postgresql URL: " + adminUrl.replaceAll("password=[^&]*", "password=***"));
    }
    return "jdbc:postgresql://"
        + m.group(1)
        + "/"
        + database
        + (m.group(3) == null ? "" : m.group(3));
  }
}
