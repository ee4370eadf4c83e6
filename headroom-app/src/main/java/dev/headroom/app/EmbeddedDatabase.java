package dev.headroom.app;

import dev.headroom.kit.db.DurableServerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The PostgreSQL that `./headroom run` starts when no {@code HEADROOM_DATABASE_URL} is given: a
 * real server (embedded binaries, no Docker), so the newcomer's platform behaves like production.
 * With a data directory the data survives restarts; without one it starts empty every time.
 *
 * <p>PostgreSQL runs as its own process and outlives a JVM that is killed ({@code kill -9}, OOM
 * killer, power button of the IDE). The next start on the same data directory stops that orphaned
 * server first ({@link OrphanedPostmaster}), so it starts on the first try; a data directory in use
 * by another running Headroom is refused instead ({@link DataDirectoryLock}).
 */
final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());

  private final EmbeddedPostgres postgres;
  private final DataDirectoryLock lock;

  private EmbeddedDatabase(EmbeddedPostgres postgres, DataDirectoryLock lock) {
    this.postgres = postgres;
    this.lock = lock;
  }

  /** Starts a server whose every commit waits for its WAL flush. */
  static EmbeddedDatabase start(Path dataDirectory, int port) {
    return start(dataDirectory, port, "on");
  }

  /**
   * @param dataDirectory keep the data here across runs; null for a throw-away database
   * @param port 0 for any free port
   * @param synchronousCommit PostgreSQL's {@code synchronous_commit}: {@code on} (a commit waits
   *     for its WAL flush) unless the caller accepts losing the last fraction of a second of
   *     commits to a machine crash ({@code off}; a crash of the JVM alone loses nothing, the server
   *     outlives it)
   */
  static EmbeddedDatabase start(Path dataDirectory, int port, String synchronousCommit) {
    try {
      // The server unpacks its binaries under java.io.tmpdir; a configured one may not exist yet.
      Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setPort(port)
              // Enough connections for four services' pools and their LISTEN connections.
              .setServerConfig("max_connections", "200");
      // The library starts PostgreSQL non-durable (made for tests); Headroom acknowledges only what
      // is committed.
      DurableServerSettings.SETTINGS.forEach(builder::setServerConfig);
      builder.setServerConfig("synchronous_commit", synchronousCommit);
      DataDirectoryLock lock = null;
      if (dataDirectory != null) {
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        // A new cluster's directory must be empty for initdb: it is locked once it exists.
        if (Files.exists(dataDirectory.resolve("PG_VERSION"))) {
          lock = DataDirectoryLock.acquire(dataDirectory);
          OrphanedPostmaster.stopIfAny(dataDirectory);
        }
      }
      EmbeddedPostgres pg = builder.start();
      if (dataDirectory != null && lock == null) {
        lock = DataDirectoryLock.acquire(dataDirectory);
      }
      LOG.info(
          () ->
              "embedded PostgreSQL on 127.0.0.1:"
                  + pg.getPort()
                  + (dataDirectory != null
                      ? " (data in " + dataDirectory + ")"
                      : " (throw-away data)"));
      return new EmbeddedDatabase(pg, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  String user() {
    return "postgres";
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warning(() -> "embedded PostgreSQL did not stop cleanly: " + e.getMessage());
    }
    if (lock != null) {
      lock.close();
    }
  }
}
