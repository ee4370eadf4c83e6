package dev.headroom.prompt.bench;

import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.app.PromptConfig;
import dev.headroom.prompt.consume.ContextFeeds;
import dev.headroom.prompt.consume.ContextProtos;
import dev.headroom.prompt.db.ContextDao;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Gauge;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Load harness (not a test): GetPrompt on a real prompt-service with N accounts in its context,
 * measured beside a trivial RPC on the same server by a load generator in a process of its own
 * ({@link PromptLoadGenerator}). Run it with {@code ./headroom bench prompt}; options in {@link
 * BenchOptions}.
 *
 * <p>This process runs the server: embedded PostgreSQL (durable when {@code
 * HEADROOM_TEST_DATABASE_DURABLE=true}, which {@code ./headroom bench} sets), the {@link
 * PromptWorkload} stored as the persisted context, then {@link PromptApp} as in production (TCP,
 * the default settings of prompt.yaml), which loads that context the way it does after every
 * restart. The context is written to the database directly rather than streamed through the feeds:
 * a change through the feeds costs one durable transaction (two per account: usage and score), so
 * 100,000 accounts would take minutes of set-up, while the rebuild reads the same trimmed upstream
 * messages the feeds store and maps them with the same code ({@link ContextFeeds#rebuild()}). The
 * upstreams are {@link FakeUpstreams} serving the same catalog and no changes, with the feeds'
 * cursors stored at the end of the written context: nothing changes the context during the run.
 * Campaigns and the experiment are created through the admin RPCs.
 */
public final class PromptBenchmark {
  private static final Logger ROOT_LOG = Logger.getLogger("");
  private static final Logger NETTY_LOG = Logger.getLogger("io.grpc.netty.shaded");

  private PromptBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchOptions o = BenchOptions.parse(args);
    ROOT_LOG.setLevel(Level.WARNING);
    // Calls the server rejects when overloaded are counted by status by the load generator; a
    // stack trace for each would bury the report.
    NETTY_LOG.setLevel(Level.SEVERE);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.out.printf(
        "cores=%d accounts=%,d rate=%,d/s seconds=%.0f concurrency=%d warmup=%d s; load average"
            + " %s%n",
        Runtime.getRuntime().availableProcessors(),
        o.accounts(),
        o.rate(),
        o.seconds(),
        o.concurrency(),
        o.warmupSeconds(),
        loadAverage());
    TestDatabase tdb = PostgresServer.shared().createDatabase();
    int exit = 1;
    try (FakeUpstreams upstreams = new FakeUpstreams(PromptWorkload.catalog())) {
      printDurability(tdb);
      long t0 = System.nanoTime();
      long seen = storeContext(tdb, o.accounts());
      System.out.printf(
          "stored context of %,d accounts and %,d exposures of today (users already capped)"
              + " written in %.1f s%n",
          o.accounts(), seen, (System.nanoTime() - t0) / 1e9);

      long heapBefore = ContextMemory.usedAfterGc(memory);
      long started = System.nanoTime();
      PromptApp app =
          PromptApp.start(
              config(tdb, upstreams, o.accounts()),
              Clock.systemUTC(),
              null,
              false,
              List.of(BenchEcho.service()));
      ManagedChannel admin =
          NettyChannelBuilder.forAddress("127.0.0.1", app.host().grpcPort()).usePlaintext().build();
      try {
        awaitRebuilt(app);
        System.out.printf(
            "prompt-service on 127.0.0.1:%d: context of %,d accounts and the caps rebuilt from the"
                + " database %.1f s after start%n",
            app.host().grpcPort(), app.context().size(), (System.nanoTime() - started) / 1e9);
        createCampaigns(PromptServiceGrpc.newBlockingStub(admin));
        long heapReady = ContextMemory.usedAfterGc(memory);
        System.out.printf(
            "heap after a full GC: %d MiB before the service started, %d MiB with it ready: %d MiB"
                + " for the context of %,d accounts, the caps of %,.0f users and the service itself"
                + " (the context alone at 1,000,000 accounts: ContextMemory, see"
                + " prompt-service/README.md)%n",
            heapBefore >> 20,
            heapReady >> 20,
            (heapReady - heapBefore) >> 20,
            app.context().size(),
            ledgerUsers(app));

        exit = runLoadGenerator(o, app.host().grpcPort(), postmasterPid(tdb));

        long heapAfter = ContextMemory.usedAfterGc(memory);
        System.out.printf(
            "%nafter the run: heap after a full GC %d MiB, %,.0f users in the caps' ledger,"
                + " %,d exposures stored; load average %s%n",
            heapAfter >> 20, ledgerUsers(app), exposuresStored(app, tdb), loadAverage());
      } finally {
        admin.shutdownNow();
        app.close();
      }
    } finally {
      tdb.drop();
    }
    System.exit(exit);
  }

  private static PromptConfig config(TestDatabase tdb, FakeUpstreams upstreams, int accounts) {
    Map<String, String> env = PromptFixtures.env(tdb, upstreams.peer());
    // prompt.yaml's defaults where the tests shorten or shrink them.
    env.remove("HEADROOM_PROMPT_DATABASE_POOL_SIZE");
    env.remove("HEADROOM_PROMPT_CAMPAIGNS_REFRESH_INTERVAL");
    env.put("HEADROOM_PROMPT_CONTEXT_EXPECTED_ACCOUNTS", Integer.toString(accounts));
    // Any other setting of prompt.yaml can be tried from the environment.
    env.putAll(
        System.getenv().entrySet().stream()
            .filter(e -> e.getKey().startsWith("HEADROOM_PROMPT_"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    return PromptConfig.from(
        KitConfig.load("prompt", "prompt.yaml", PromptBenchmark.class.getClassLoader(), env));
  }

  /**
   * Writes what a replica that has been running would find: what the feeds persisted after
   * following the upstreams (the catalog, each account's trimmed snapshot and score with its
   * upstream cursor, the feeds' own cursors) and the exposures of the users who saw a prompt today,
   * which the start restores into the caps. Returns the number of exposures written.
   */
  private static long storeContext(TestDatabase tdb, int accounts) throws Exception {
    try (Database db = new Database("prompt", tdb.settings("prompt"))) {
      db.migrate();
      byte[] catalog = PromptWorkload.catalog().toByteArray();
      db.jdbi()
          .useExtension(
              ContextDao.class, dao -> dao.putCatalog(catalog, OffsetDateTime.now(ZoneOffset.UTC)));
      long exposures = 0;
      try (Connection c = DriverManager.getConnection(tdb.url(), tdb.user(), tdb.password())) {
        c.setAutoCommit(false);
        HexFormat hex = HexFormat.of();
        try (CopyRows rows =
            new CopyRows(
                c,
                "COPY prompt.account_context (account_id, usage_cursor, usage, score_cursor,"
                    + " score) FROM STDIN")) {
          for (int i = 0; i < accounts; i++) {
            UsageSnapshot usage = ContextProtos.trim(PromptWorkload.snapshot(i));
            Optional<Score> score =
                PromptWorkload.score(i, usage.getAccount().getSubscriptions(0).getPlanKey())
                    .map(ContextProtos::trim);
            // COPY's text format: bytea as \x followed by hex digits, the backslash escaped.
            rows.add(
                usage.getAccountId()
                    + '\t'
                    + (i + 1)
                    + "\t\\\\x"
                    + hex.formatHex(usage.toByteArray())
                    + '\t'
                    + (score.isPresent() ? i + 1 : 0)
                    + '\t'
                    + score.map(s -> "\\\\x" + hex.formatHex(s.toByteArray())).orElse("\\N"));
          }
        }
        List<Campaign> campaigns = PromptWorkload.campaigns();
        Instant now = Instant.now();
        try (CopyRows rows =
            new CopyRows(
                c,
                "COPY prompt.exposure (decision_id, decided_at, account_id, user_id, campaign_id,"
                    + " campaign_version, surface) FROM STDIN")) {
          for (int i = 0; i < accounts; i++) {
            for (int u = 0; u < PromptWorkload.usersOf(i); u++) {
              OptionalLong ago = PromptWorkload.secondsSinceLastPrompt(i, u);
              if (ago.isPresent()) {
                rows.add(
                    String.join(
                        "\t",
                        "seen-" + i + "-" + u,
                        now.minusSeconds(ago.getAsLong()).toString(),
                        PromptWorkload.accountId(i),
                        "u-" + u,
                        campaigns.get((i + u) % campaigns.size()).getCampaignId(),
                        "1",
                        "HOME"));
                exposures++;
              }
            }
          }
        }
        c.commit();
      }
      CursorStore cursors = new CursorStore(db.schema(), db.jdbi());
      cursors.save(ContextFeeds.SIGNAL_CONSUMER, accounts);
      cursors.save(ContextFeeds.SCORING_CONSUMER, accounts);
      return exposures;
    }
  }

  /** Streams text-format rows into one COPY statement, a megabyte at a time. */
  private static final class CopyRows implements AutoCloseable {
    private final CopyIn copy;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);

    CopyRows(Connection c, String sql) throws Exception {
      this.copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    }

    void add(String row) throws SQLException {
      buffer.writeBytes(row.getBytes(StandardCharsets.UTF_8));
      buffer.write('\n');
      if (buffer.size() >= 1 << 20) {
        flush();
      }
    }

    private void flush() throws SQLException {
      copy.writeToCopy(buffer.toByteArray(), 0, buffer.size());
      buffer.reset();
    }

    @Override
    public void close() throws SQLException {
      flush();
      copy.endCopy();
    }
  }

  private static void awaitRebuilt(PromptApp app) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!app.context().rebuilt()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the context was not rebuilt within 5 minutes");
      }
      Thread.sleep(20);
    }
  }

  private static void createCampaigns(PromptServiceGrpc.PromptServiceBlockingStub stub) {
    List<String> ids = new ArrayList<>();
    for (Campaign c : PromptWorkload.campaigns()) {
      stub.createCampaign(CreateCampaignRequest.newBuilder().setCampaign(c).build());
      ids.add(c.getCampaignId());
    }
    var experiment = PromptWorkload.experiment();
    stub.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(experiment).build());
    stub.startExperiment(
        StartExperimentRequest.newBuilder().setExperimentId(experiment.getExperimentId()).build());
    System.out.printf(
        "campaigns %s; experiment %s running on %s%n",
        ids, experiment.getExperimentId(), experiment.getCampaignId());
  }

  /** Runs {@link PromptLoadGenerator} in a JVM of its own, with this JVM's class path. */
  private static int runLoadGenerator(BenchOptions o, int port, long postgresPid) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                // The load generator must not measure itself: with G1 its young collections paused
                // every completion and every send for 4-80 ms (its own -Xlog:gc), charged to the
                // server by the open loop's intended-time latencies. ZGC collects its small live
                // set
                // concurrently; the fixed, pre-touched heap keeps page faults out of the run.
                "-XX:+UseZGC",
                "-Xms1g",
                "-Xmx1g",
                "-XX:+AlwaysPreTouch",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                PromptLoadGenerator.class.getName()));
    command.addAll(List.of(o.forLoadGenerator(port, postgresPid)));
    Process child = new ProcessBuilder(command).inheritIO().start();
    try {
      return child.waitFor();
    } finally {
      child.destroy();
    }
  }

  private static double ledgerUsers(PromptApp app) {
    return app.host().meterRegistry().get("prompt.ledger.users").gauge().value();
  }

  private static long exposuresStored(PromptApp app, TestDatabase tdb) throws Exception {
    // Everything queued is written within the flush interval once the load has stopped.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Gauge queued = app.host().meterRegistry().find("prompt.exposures.queued").gauge();
    while (queued != null && queued.value() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    try (Connection c = DriverManager.getConnection(tdb.url(), tdb.user(), tdb.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM prompt.exposure")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The PostgreSQL server's process id, from postmaster.pid in its data directory (readable when
   * the server runs on this machine as this user, as the embedded one does); 0 when unknown.
   */
  private static long postmasterPid(TestDatabase tdb) {
    try (Connection c = DriverManager.getConnection(tdb.url(), tdb.user(), tdb.password());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('data_directory')")) {
      rs.next();
      Path pidFile = Path.of(rs.getString(1), "postmaster.pid");
      return Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    } catch (Exception e) {
      return 0;
    }
  }

  private static void printDurability(TestDatabase tdb) throws Exception {
    try (Connection c = DriverManager.getConnection(tdb.url(), tdb.user(), tdb.password());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
      rs.next();
      System.out.printf(
          "postgresql (%s): fsync=%s synchronous_commit=%s%n",
          tdb.server().kind(), rs.getString(1), rs.getString(2));
    }
  }

  private static String loadAverage() throws Exception {
    Path f = Path.of("/proc/loadavg");
    // not Files.readString: it trusts the file size, which /proc reports as 0
    return Files.isReadable(f)
        ? String.join(" ", List.of(Files.readAllLines(f).get(0).split(" ", -1)).subList(0, 3))
        : "?";
  }
}
