package dev.headroom.signal.bench;

import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.db.DurableServerSettings;
import dev.headroom.kit.testing.PostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A durable PostgreSQL for the load harness. The tests' embedded server (zonky) always starts the
 * postmaster with {@code -F} (fsync off) and {@code synchronous_commit=off}; a commit there is not
 * durable, which flatters the service and the COPY baseline alike and is not what the product
 * promises. This starts the same PostgreSQL binaries (unpacked by the embedded server) as a second,
 * private server with the durability defaults restored and the settings Headroom runs its own
 * servers with ({@link DurableServerSettings}). It listens on 127.0.0.1 only, lives in {@code
 * target/tmp} and is stopped and deleted when the JVM exits.
 */
final class DurablePostgres implements AutoCloseable {
  private final Process process;
  private final Path data;
  private final int port;

  private DurablePostgres(Process process, Path data, int port) {
    this.process = process;
    this.data = data;
    this.port = port;
  }

  static DurablePostgres start(Path tmp) throws Exception {
    PostgresServer.shared(); // unpacks the binaries; that server itself is not used by the harness
    Path bin;
    try (Stream<Path> dirs = Files.list(tmp.resolve("embedded-pg"))) {
      bin =
          dirs.map(d -> d.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("postgres")))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("no embedded PostgreSQL binaries under " + tmp));
    }
    Path data = tmp.resolve("bench-pg-" + ProcessHandle.current().pid());
    deleteTree(data);
    // PostgreSQL refuses to run as root; the embedded server uses the same user-namespace trick.
    List<String> wrap =
        "root".equals(System.getProperty("user.name")) ? List.of("unshare", "-U") : List.of();
    run(
        wrap,
        bin.resolve("initdb").toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF-8",
        "--no-sync",
        "-D",
        data.toString());
    int port;
    try (ServerSocket ss = new ServerSocket(0)) {
      port = ss.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(wrap);
    cmd.addAll(
        List.of(
            bin.resolve("postgres").toString(),
            "-D",
            data.toString(),
            "-p",
            Integer.toString(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=" + data,
            "-c",
            "max_connections=100",
            "-c",
            "timezone=UTC",
            // where the server's time goes, per statement (reported by the harness; negligible
            // overhead)
            "-c",
            "shared_preload_libraries=pg_stat_statements"));
    DurableServerSettings.SETTINGS.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("server.log").toFile())
            .start();
    DurablePostgres pg = new DurablePostgres(p, data, port);
    Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "bench-pg-stop"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Connection c = DriverManager.getConnection(pg.url("postgres"), "postgres", "")) {
        c.createStatement().execute("CREATE DATABASE bench");
        try (Connection b = DriverManager.getConnection(pg.url("bench"), "postgres", "")) {
          b.createStatement().execute("CREATE EXTENSION pg_stat_statements");
        }
        return pg;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          pg.close();
          throw new IllegalStateException("durable PostgreSQL did not start", e);
        }
        Thread.sleep(100);
      }
    }
  }

  /** CPU seconds (user + system) used so far by the postmaster and its backends, live or exited. */
  double cpuSeconds() {
    double ticks = 0;
    List<ProcessHandle> all = new ArrayList<>();
    all.add(process.toHandle());
    process.toHandle().descendants().forEach(all::add);
    for (ProcessHandle h : all) {
      try {
        String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        if (h.pid() == process.pid()) {
          ticks +=
              Long.parseLong(f[13]) + Long.parseLong(f[14]); // cutime, cstime: backends that exited
        }
      } catch (IOException | RuntimeException e) {
        // exited meanwhile
      }
    }
    return ticks / 100.0; // USER_HZ
  }

  String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  DatabaseSettings settings() {
    return new DatabaseSettings(
        url("bench"), "postgres", "", "signal", 12, Duration.ofSeconds(5), Duration.ofSeconds(2));
  }

  @Override
  public synchronized void close() {
    if (process.isAlive()) {
      try {
        // SIGINT: fast shutdown (SIGTERM, Process.destroy, would wait for running statements)
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      deleteTree(data);
    } catch (IOException e) {
      // left in target/tmp; the next clean removes it
    }
  }

  private static void run(List<String> wrap, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(wrap);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
