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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
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
  private static final String CONTAINER_IMAGE = "postgres:16-alpine";
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
      LOG.info("tests use the PostgreSQL server of HEADROOM_TEST_DATABASE_URL");
      return new PostgresServer(
          url,
          env.getOrDefault("HEADROOM_TEST_DATABASE_USER", ""),
          env.getOrDefault("HEADROOM_TEST_DATABASE_PASSWORD", ""),
          "external");
    }
    if (dockerAvailable(env)) {
      PostgreSQLContainer c = new PostgreSQLContainer(CONTAINER_IMAGE);
      c.start();
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "pg-container-stop"));
      LOG.info("tests use PostgreSQL in a Testcontainers container (" + CONTAINER_IMAGE + ")");
      return new PostgresServer(c.getJdbcUrl(), c.getUsername(), c.getPassword(), "testcontainers");
    }
    return startEmbedded("true".equalsIgnoreCase(env.get("HEADROOM_TEST_DATABASE_DURABLE")));
  }

  /**
   * Whether a Docker engine answers. Without one, Testcontainers logs every discovery strategy it
   * tried at SEVERE, although falling back to embedded PostgreSQL is the intended outcome here; so
   * it is asked only when something points at an engine, and with its loggers off while it looks.
   */
  private static boolean dockerAvailable(Map<String, String> env) {
    if (!dockerConfigured(env)) {
      return false;
    }
    // Held in a local so that java.util.logging cannot collect the configured logger meanwhile.
    Logger testcontainers = Logger.getLogger("org.testcontainers");
    Level previous = testcontainers.getLevel();
    testcontainers.setLevel(Level.OFF);
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    } finally {
      testcontainers.setLevel(previous);
    }
  }

  /** The places Testcontainers looks for an engine: DOCKER_HOST, its properties, known sockets. */
  private static boolean dockerConfigured(Map<String, String> env) {
    String dockerHost = env.get("DOCKER_HOST");
    if (dockerHost != null && !dockerHost.isBlank()) {
      return true;
    }
    Path home = Path.of(System.getProperty("user.home"));
    List<Path> candidates =
        new ArrayList<>(
            List.of(
                Path.of("/var/run/docker.sock"),
                home.resolve(".testcontainers.properties"),
                home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock")));
    String runtimeDir = env.get("XDG_RUNTIME_DIR");
    if (runtimeDir != null && !runtimeDir.isBlank()) {
      candidates.add(Path.of(runtimeDir, "docker.sock"));
    }
    return candidates.stream().anyMatch(Files::exists);
  }

  /**
   * @param durable benchmarks measure what production commits cost: fsync and synchronous commit on
   *     (tests keep the library's fast, non-durable defaults; none of them depends on surviving a
   *     crash of the machine)
   */
  private static PostgresServer startEmbedded(boolean durable) {
    try {
      // Surefire points java.io.tmpdir into target/tmp, which nothing else creates; embedded
      // PostgreSQL unpacks its binaries and data directory there.
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
                      // the JVM is exiting; the data directory is in target/ and goes with the
                      // next clean
                    }
                  },
                  "embedded-pg-stop"));
      LOG.info(
          "tests use embedded PostgreSQL on port "
              + pg.getPort()
              + (durable ? ", durable" : "")
              + " (no HEADROOM_TEST_DATABASE_URL, no Docker engine)");
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
