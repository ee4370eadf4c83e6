package dev.headroom.signal.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.Meter;
import dev.headroom.api.signal.v1.MeterAggregation;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutMeterRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.signal.app.SignalApp;
import dev.headroom.signal.app.SignalConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * Load harness (not a test): the signal service on embedded PostgreSQL, netty gRPC on 127.0.0.1, a
 * few clients sending batches of 1,000 mixed events over 10,000 accounts for a bounded time.
 * Reports sustained events/s and p50/p99 batch latency, then what the same PostgreSQL accepts for
 * the same fact rows through plain COPY.
 *
 * <pre>
 * ./headroom bench ingest 60 4      # seconds, clients
 * </pre>
 */
public final class IngestBenchmark {
  private static final int ACCOUNTS = 10_000;
  private static final int BATCH = 1_000;
  private static final int WARMUP_SECONDS = 15;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path tmp = Path.of("signal-service/target/tmp").toAbsolutePath();
    if (!Files.isDirectory(tmp.getParent())) {
      tmp = Path.of("target/tmp").toAbsolutePath();
    }
    Files.createDirectories(tmp);
    System.setProperty("java.io.tmpdir", tmp.toString());
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);

    DurablePostgres pg = DurablePostgres.start(tmp);
    var s = pg.settings();
    tune(s.url(), s.user(), s.password());
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_SIGNAL_DATABASE_URL", s.url());
    env.put("HEADROOM_SIGNAL_DATABASE_USER", s.user());
    env.put("HEADROOM_SIGNAL_DATABASE_PASSWORD", s.password());
    env.put("HEADROOM_SIGNAL_PAGING_SECRET", "bench-secret-0123456789abcdef");
    env.put("HEADROOM_SIGNAL_GRPC_PORT", "0");
    env.put("HEADROOM_SIGNAL_HTTP_PORT", "0");
    env.put("HEADROOM_SIGNAL_HTTP_HOST", "127.0.0.1");
    env.put("HEADROOM_SIGNAL_EVALUATION_FIRST_SWEEP_DELAY", "1h");
    env.putAll(
        System.getenv().entrySet().stream()
            .filter(e -> e.getKey().startsWith("HEADROOM_SIGNAL_"))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    SignalConfig config =
        SignalConfig.from(
            KitConfig.load("signal", "signal.yaml", IngestBenchmark.class.getClassLoader(), env));
    SignalApp app = SignalApp.start(config, Clock.systemUTC(), null, false);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", app.grpcPort())
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
    var stub = SignalServiceGrpc.newBlockingStub(channel);
    try {
      seed(stub);
      long t0 = System.nanoTime();
      int putters =
          16; // durable commits: concurrency lets PostgreSQL flush many PutAccounts per fsync
      ExecutorService pool = Executors.newFixedThreadPool(putters);
      List<Future<?>> puts = new ArrayList<>();
      for (int w = 0; w < putters; w++) {
        int worker = w;
        puts.add(
            pool.submit(
                () -> {
                  for (int i = worker; i < ACCOUNTS; i += putters) {
                    stub.putAccount(
                        PutAccountRequest.newBuilder()
                            .setAccount(
                                Account.newBuilder()
                                    .setAccountId(account(i))
                                    .setName("Account " + i)
                                    .setCurrencyCode("USD")
                                    .addSubscriptions(
                                        Subscription.newBuilder()
                                            .setProductKey("core")
                                            .setPlanKey("pro")
                                            .setSeatsPurchased(10)
                                            .setSince(
                                                ts(Instant.now().minus(90, ChronoUnit.DAYS)))))
                            .build());
                  }
                }));
      }
      for (Future<?> f : puts) {
        f.get();
      }
      pool.shutdown();
      System.out.printf(
          "created %d accounts in %.1f s%n", ACCOUNTS, (System.nanoTime() - t0) / 1e9);
      // Start from a quiet evaluator (the account creations queued one evaluation each), bounded.
      double settle = drain(app, 120);
      System.out.printf(
          "evaluator settled after account creation in %.1f s (queue depth %d)%n",
          settle, app.evaluator().depth());

      // The floor first, while nothing else runs: the same rows through plain COPY on the same
      // server.
      copyBaseline(s.url(), s.user(), s.password(), Math.min(seconds, 20));
      startFromSteadyState(s.url(), s.user(), s.password());

      // The clients run WARMUP_SECONDS before the measured window (JIT, partitions, caches): a
      // sustained
      // rate is the steady state, not the first seconds of a cold JVM.
      Timer evals = app.meterRegistry().find("signal.rule.evaluations").timer();
      Timer lag = app.meterRegistry().find("signal.detection.lag").timer();
      Timer serverBatch = app.meterRegistry().find("signal.ingest.batch").timer();
      Timer serverStore = app.meterRegistry().find("signal.ingest.store").timer();
      List<long[]> latencies =
          Collections.synchronizedList(new ArrayList<>()); // {start offset, latency} ns
      AtomicLong accepted = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      ExecutorService load = Executors.newFixedThreadPool(clients);
      java.lang.management.ThreadMXBean threads =
          java.lang.management.ManagementFactory.getThreadMXBean();
      AtomicLong clientCpu = new AtomicLong();
      var os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP_SECONDS);
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        fs.add(
            load.submit(
                () -> {
                  SplittableRandom rnd = new SplittableRandom(1000 + client);
                  int n = 0;
                  long cpu0 = -1;
                  while (System.nanoTime() < end) {
                    IngestEventsRequest req =
                        batch(rnd, "c" + client, n++); // built in the window: counted below
                    long b0 = System.nanoTime();
                    boolean measured = b0 >= start;
                    if (measured && cpu0 < 0) {
                      cpu0 = threads.getCurrentThreadCpuTime();
                    }
                    try {
                      long ok = send(stub, req);
                      if (measured) {
                        accepted.addAndGet(ok);
                        latencies.add(new long[] {b0 - start, System.nanoTime() - b0});
                      }
                    } catch (RuntimeException e) {
                      if (measured) {
                        failed.incrementAndGet();
                      }
                    }
                  }
                  if (cpu0 >= 0) {
                    clientCpu.addAndGet(threads.getCurrentThreadCpuTime() - cpu0);
                  }
                }));
      }
      Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(start - System.nanoTime())));
      long jvmCpu0 = os.getProcessCpuTime();
      double pgCpu0 = pg.cpuSeconds();
      long evals0 = evals.count();
      CountAtBucket[] lag0 = lag.takeSnapshot().histogramCounts();
      CountAtBucket[] batch0 = serverBatch.takeSnapshot().histogramCounts();
      CountAtBucket[] store0 = serverStore.takeSnapshot().histogramCounts();
      resetStatements(s.url(), s.user(), s.password());
      WaitSampler waits = new WaitSampler(s.url(), s.user(), s.password());
      long windowStartUptime =
          java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
      GcPauses gc = new GcPauses();
      for (Future<?> f : fs) {
        f.get();
      }
      long elapsed = System.nanoTime() - start;
      gc.close();
      waits.close();
      CountAtBucket[] batch1 = serverBatch.takeSnapshot().histogramCounts();
      CountAtBucket[] store1 = serverStore.takeSnapshot().histogramCounts();
      String statements = topStatements(s.url(), s.user(), s.password(), elapsed);
      double jvmCores = (os.getProcessCpuTime() - jvmCpu0) / (double) elapsed;
      double pgCores = (pg.cpuSeconds() - pgCpu0) * 1e9 / elapsed;
      double clientCores = clientCpu.get() / (double) elapsed;
      load.shutdown();
      List<Long> sorted = new ArrayList<>();
      for (long[] l : latencies) {
        sorted.add(l[1]);
      }
      Collections.sort(sorted);
      double eps = accepted.get() / (elapsed / 1e9);
      System.out.printf(
          "gRPC ingest: %d clients, %d s, %d batches of %d, %d events accepted, %d failed"
              + " batches%n",
          clients, seconds, sorted.size(), BATCH, accepted.get(), failed.get());
      System.out.printf(
          "  sustained %.0f events/s; batch latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          eps,
          pct(sorted, 0.50),
          pct(sorted, 0.99),
          sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
      System.out.printf(
          "  CPU during the load (of %d cores): service JVM %.2f, load-generator threads (building"
              + " batches) %.2f, PostgreSQL %.2f%n",
          Runtime.getRuntime().availableProcessors(), jvmCores - clientCores, clientCores, pgCores);
      System.out.printf(
          "  in the service (histogram bucket bounds): whole batch p50 <= %.0f ms, p99 <= %.0f ms;"
              + " its database share (first statement to commit) p50 <= %.0f ms, p99 <= %.0f ms%n",
          histPct(batch0, batch1, 0.50),
          histPct(batch0, batch1, 0.99),
          histPct(store0, store1, 0.50),
          histPct(store0, store1, 0.99));
      System.out.print(slowBatches(latencies, 250));
      System.out.print(statements);
      System.out.print(waits.report(10));
      System.out.print(gc.report(windowStartUptime, 40));
      long pendingIncrements = pendingRollupIncrements(s.url(), s.user(), s.password());
      long loadEnded = System.nanoTime();
      long evalsDuring = evals.count() - evals0;
      int depthAtEnd = app.evaluator().depth();
      CountAtBucket[] lag1 = lag.takeSnapshot().histogramCounts();
      System.out.printf(
          "  evaluator: %.0f evaluations/s during the load; queue depth at end %d%n",
          evalsDuring / (elapsed / 1e9), depthAtEnd);
      System.out.printf(
          "  background work (evaluator + rollup compactor) paused %.1f s for the saturated ingest"
              + " path since the start%n",
          app.meterRegistry().get("signal.background.paused").functionCounter().count());
      System.out.printf(
          "  detection lag (commit -> signal change persisted), %d changes: p50 <= %.0f ms,"
              + " p99 <= %.0f ms (histogram bucket bounds)%n",
          histCount(lag0, lag1), histPct(lag0, lag1, 0.50), histPct(lag0, lag1, 0.99));
      double drained = drain(app, 60);
      System.out.printf(
          "  evaluator caught up %.1f s after the load ended (queue depth %d)%n",
          drained, app.evaluator().depth());
      long deadline = loadEnded + TimeUnit.SECONDS.toNanos(180);
      long left;
      while ((left = pendingRollupIncrements(s.url(), s.user(), s.password())) > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      System.out.printf(
          "  rollups: %d increments not yet folded when the load ended, all folded %.1f s after it"
              + " (%d left)%n",
          pendingIncrements, (System.nanoTime() - loadEnded) / 1e9, left);

      // Detection lag under normal load: 20 fresh accounts each get the 5 paywall hits that
      // complete
      // PREMIUM_FEATURE_DEMAND, in one small batch, with nothing else running.
      for (int i = 0; i < 20; i++) {
        stub.putAccount(
            PutAccountRequest.newBuilder()
                .setAccount(
                    Account.newBuilder()
                        .setAccountId("probe-" + i)
                        .setName("Probe " + i)
                        .setCurrencyCode("USD")
                        .addSubscriptions(
                            Subscription.newBuilder()
                                .setProductKey("core")
                                .setPlanKey("pro")
                                .setSeatsPurchased(10)
                                .setSince(ts(Instant.now().minus(90, ChronoUnit.DAYS)))))
                .build());
      }
      drain(app, 30);
      CountAtBucket[] probe0 = lag.takeSnapshot().histogramCounts();
      IngestEventsRequest.Builder probe = IngestEventsRequest.newBuilder();
      Instant now = Instant.now();
      for (int i = 0; i < 20; i++) {
        for (int k = 0; k < 5; k++) {
          probe.addEvents(
              UsageEvent.newBuilder()
                  .setEventId("probe-" + i + "-" + k)
                  .setAccountId("probe-" + i)
                  .setUserId("u" + k)
                  .setKind("PAYWALL_HIT")
                  .setOccurredAt(ts(now.minusSeconds(60 - k)))
                  .setPayload(Struct.newBuilder().putFields("feature_key", str("audit_log"))));
        }
      }
      send(stub, probe.build());
      drain(app, 10);
      Thread.sleep(500);
      CountAtBucket[] probe1 = lag.takeSnapshot().histogramCounts();
      System.out.printf(
          "  detection lag under normal load (%d signal changes): p50 <= %.0f ms, p99 <= %.0f ms%n",
          histCount(probe0, probe1), histPct(probe0, probe1, 0.50), histPct(probe0, probe1, 0.99));
    } finally {
      channel.shutdownNow();
      app.close();
      pg.close();
    }
    System.exit(0);
  }

  /**
   * The batches slower than {@code thresholdMs}, grouped into bursts (batches starting less than a
   * second apart): a burst of several clients' batches at once is a stall of the whole write path
   * (a WAL flush held up by the kernel writing back dirty pages, for one), scattered ones are
   * queueing.
   */
  private static String slowBatches(List<long[]> latencies, long thresholdMs) {
    List<long[]> slow = new ArrayList<>();
    for (long[] l : latencies) {
      if (l[1] > thresholdMs * 1_000_000) {
        slow.add(l);
      }
    }
    slow.sort((a, b) -> Long.compare(a[0], b[0]));
    StringBuilder out =
        new StringBuilder(
            String.format(
                "  batches over %d ms: %d of %d", thresholdMs, slow.size(), latencies.size()));
    String sep = "; by start time (s into the window: count, slowest ms): ";
    int i = 0;
    while (i < slow.size()) {
      int j = i;
      long worst = slow.get(i)[1];
      while (j + 1 < slow.size() && slow.get(j + 1)[0] - slow.get(j)[0] < 1_000_000_000L) {
        worst = Math.max(worst, slow.get(++j)[1]);
      }
      out.append(sep)
          .append(String.format("%.1f: %d, %.0f", slow.get(i)[0] / 1e9, j - i + 1, worst / 1e6));
      sep = " | ";
      i = j + 1;
    }
    return out.append('\n').toString();
  }

  /**
   * Drops the COPY table and checkpoints after writing about 1.5 GB of WAL, so that the load meets
   * the server in the state it has after running for a while: the set-up's dirty pages are on disk
   * instead of being written back by the kernel in the middle of the window, and WAL segments are
   * recycled. On a fresh server every new 16 MB segment is created and zero-filled by a committing
   * backend while all other committers wait (and such an fsync is slowest when the kernel is
   * writing back at the same moment). The load then pays for the full-page images of the first
   * change of every page after a checkpoint, the costlier part of a cycle.
   */
  private static void startFromSteadyState(String url, String user, String password)
      throws Exception {
    long t0 = System.nanoTime();
    try (Connection c = connect(url, user, password);
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE signal.bench_copy");
      st.execute(
          "CREATE TABLE signal.bench_wal AS SELECT g, repeat('x', 1000) AS filler"
              + " FROM generate_series(1, 1500000) g");
      st.execute("DROP TABLE signal.bench_wal");
      st.execute("CHECKPOINT");
    }
    System.out.printf(
        "WAL warmed up and checkpointed before the load in %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Prints the server settings that matter for the numbers (see {@link DurablePostgres} for why).
   */
  private static void tune(String url, String user, String password) throws Exception {
    try (Connection c = connect(url, user, password);
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY"
                    + " name) FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync',"
                    + " 'full_page_writes', 'max_wal_size', 'min_wal_size', 'checkpoint_timeout',"
                    + " 'shared_buffers', 'wal_buffers', 'server_version')")) {
      rs.next();
      System.out.println("postgresql: " + rs.getString(1));
    }
    // The kernel's writeback settings decide how large its bursts of writing back dirty data are
    // (see README).
    StringBuilder vm = new StringBuilder("host writeback:");
    for (String k :
        List.of("dirty_background_bytes", "dirty_background_ratio", "dirty_expire_centisecs")) {
      Path f = Path.of("/proc/sys/vm", k);
      // not Files.readString: it trusts the file size, which /proc reports as 0
      vm.append(' ')
          .append(k)
          .append('=')
          .append(Files.isReadable(f) ? Files.readAllLines(f).get(0) : "?");
    }
    System.out.println(vm);
  }

  private static Connection connect(String url, String user, String password) throws Exception {
    return user.isEmpty()
        ? DriverManager.getConnection(url)
        : DriverManager.getConnection(url, user, password);
  }

  private static void resetStatements(String url, String user, String password) throws Exception {
    try (Connection c = connect(url, user, password);
        Statement st = c.createStatement()) {
      st.execute("SELECT pg_stat_statements_reset()");
    }
  }

  /**
   * PostgreSQL's busiest statements since the reset: where the server's time went during the
   * window.
   */
  private static String topStatements(String url, String user, String password, long elapsedNanos)
      throws Exception {
    StringBuilder out =
        new StringBuilder(
            "  PostgreSQL time by statement (share of one core, calls/s, mean ms):\n");
    try (Connection c = connect(url, user, password);
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT total_exec_time, calls, mean_exec_time,"
                    + " regexp_replace(left(query, 200), '\\s+', ' ', 'g') FROM pg_stat_statements"
                    + " ORDER BY total_exec_time DESC LIMIT 8")) {
      double secs = elapsedNanos / 1e9;
      while (rs.next()) {
        out.append(
            String.format(
                "    %5.2f %8.1f %8.2f  %s%n",
                rs.getDouble(1) / 1000 / secs,
                rs.getLong(2) / secs,
                rs.getDouble(3),
                rs.getString(4)));
      }
    }
    return out.toString();
  }

  /** Rollup increments appended by ingest and not yet folded into daily_rollup by the compactor. */
  private static long pendingRollupIncrements(String url, String user, String password)
      throws Exception {
    try (Connection c = connect(url, user, password);
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT coalesce(sum(cardinality(account_ids)), 0)"
                    + " FROM signal.daily_rollup_delta_batch")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Waits until the evaluator's queue is empty (at most {@code maxSeconds}); returns the seconds
   * waited.
   */
  private static double drain(SignalApp app, int maxSeconds) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(maxSeconds);
    int quiet = 0;
    while (System.nanoTime() < deadline && quiet < 3) {
      quiet = app.evaluator().depth() == 0 ? quiet + 1 : 0;
      Thread.sleep(50);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static long histCount(CountAtBucket[] before, CountAtBucket[] after) {
    return after.length == 0
        ? 0
        : (long) (after[after.length - 1].count() - before[before.length - 1].count());
  }

  /**
   * The upper bound (ms) of the histogram bucket holding the p-th value recorded between the
   * snapshots.
   */
  private static double histPct(CountAtBucket[] before, CountAtBucket[] after, double p) {
    long total = histCount(before, after);
    if (total == 0) {
      return 0;
    }
    for (int i = 0; i < after.length; i++) {
      if (after[i].count() - before[i].count() >= Math.ceil(p * total)) {
        return after[i].bucket(TimeUnit.MILLISECONDS);
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  private static long send(
      SignalServiceGrpc.SignalServiceBlockingStub stub, IngestEventsRequest req) {
    return stub.withDeadlineAfter(30, TimeUnit.SECONDS).ingestEvents(req).getAcceptedCount();
  }

  static String account(int i) {
    return "acct-" + i;
  }

  private static final String[] FEATURES = {"reports", "sso", "audit_log"};

  /** A mixed batch: activity, feature use, meters, workflows, membership, tickets, paywalls. */
  static IngestEventsRequest batch(SplittableRandom rnd, String client, int n) {
    IngestEventsRequest.Builder b = IngestEventsRequest.newBuilder();
    Instant now = Instant.now();
    for (int i = 0; i < BATCH; i++) {
      int acct = rnd.nextInt(ACCOUNTS);
      String user = "u" + rnd.nextInt(12);
      Instant at = now.minusSeconds(rnd.nextLong(7 * 86_400L));
      UsageEvent.Builder e =
          UsageEvent.newBuilder()
              .setEventId(client + "-" + n + "-" + i)
              .setAccountId(account(acct))
              .setOccurredAt(ts(at));
      int k = rnd.nextInt(100);
      Struct.Builder p = Struct.newBuilder();
      if (k < 40) {
        e.setKind("USER_ACTIVE").setUserId(user);
      } else if (k < 60) {
        e.setKind("FEATURE_USED").setUserId(user);
        p.putFields("feature_key", str(FEATURES[rnd.nextInt(FEATURES.length)]));
      } else if (k < 80) {
        e.setKind("METER");
        p.putFields("meter_key", str("api_calls"));
        p.putFields("quantity", Value.newBuilder().setNumberValue(rnd.nextInt(50)).build());
      } else if (k < 85) {
        e.setKind("WORKFLOW_COMPLETED").setUserId(user);
        p.putFields("workflow_key", str("wf-" + rnd.nextInt(5)));
      } else if (k < 90) {
        e.setKind("USER_ADDED").setUserId(user);
        p.putFields("role", str(rnd.nextInt(10) == 0 ? "ADMIN" : "MEMBER"));
        p.putFields("team", str("team-" + rnd.nextInt(4)));
      } else if (k < 95) {
        e.setKind("SUPPORT_TICKET").setUserId(user);
        p.putFields("category", str("AUTOMATION"));
      } else {
        e.setKind("PAYWALL_HIT").setUserId(user);
        p.putFields("feature_key", str("audit_log"));
      }
      b.addEvents(e.setPayload(p));
    }
    return b.build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static void seed(SignalServiceGrpc.SignalServiceBlockingStub stub) {
    stub.putProduct(
        PutProductRequest.newBuilder()
            .setProduct(Product.newBuilder().setProductKey("core"))
            .build());
    stub.putMeter(
        PutMeterRequest.newBuilder()
            .setMeter(
                Meter.newBuilder()
                    .setMeterKey("api_calls")
                    .setUnit("calls")
                    .setAggregation(MeterAggregation.METER_AGGREGATION_SUM))
            .build());
    for (String f : FEATURES) {
      stub.putFeature(
          PutFeatureRequest.newBuilder()
              .setFeature(
                  Feature.newBuilder()
                      .setFeatureKey(f)
                      .setProductKey("core")
                      .setAdvanced(f.equals("audit_log")))
              .build());
    }
    Money usd = Money.newBuilder().setCurrencyCode("USD").setMinorUnits(1500).build();
    stub.putPlan(
        PutPlanRequest.newBuilder()
            .setPlan(
                Plan.newBuilder()
                    .setPlanKey("pro")
                    .setProductKey("core")
                    .setTierRank(1)
                    .setSeatPriceMonthly(usd)
                    .setBasePriceMonthly(usd)
                    .setIncludedSeats(5)
                    .addEntitledFeatureKeys("reports")
                    .addEntitledFeatureKeys("sso")
                    .putMeterLimits("api_calls", 100_000))
            .build());
  }

  /** The floor: the same fact rows COPYed by one connection into a table shaped like usage_fact. */
  private static void copyBaseline(String url, String user, String password, int seconds)
      throws Exception {
    try (Connection c = connect(url, user, password)) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE signal.bench_copy (LIKE signal.usage_fact INCLUDING ALL)");
      }
      c.setAutoCommit(false);
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      SplittableRandom rnd = new SplittableRandom(99);
      long rows = 0;
      int n = 0;
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      List<Long> lat = new ArrayList<>();
      while (System.nanoTime() < end) {
        IngestEventsRequest req = batch(rnd, "copy", n++);
        long b0 = System.nanoTime();
        StringBuilder sb = new StringBuilder(BATCH * 96);
        for (UsageEvent e : req.getEventsList()) {
          Instant at =
              Instant.ofEpochSecond(e.getOccurredAt().getSeconds(), e.getOccurredAt().getNanos());
          var f = e.getPayload().getFieldsMap();
          String key =
              f.containsKey("feature_key")
                  ? f.get("feature_key").getStringValue()
                  : f.containsKey("meter_key")
                      ? f.get("meter_key").getStringValue()
                      : f.containsKey("workflow_key")
                          ? f.get("workflow_key").getStringValue()
                          : "\\N";
          sb.append(e.getAccountId())
              .append('\t')
              .append(at)
              .append('\t')
              .append(e.getEventId())
              .append('\t')
              .append(e.hasUserId() ? e.getUserId() : "\\N")
              .append('\t')
              .append(e.getKind())
              .append("\t\\N\t\\N\t")
              .append(key)
              .append('\t')
              .append(
                  f.containsKey("quantity")
                      ? Double.toString(f.get("quantity").getNumberValue())
                      : "\\N")
              .append('\n');
        }
        copy.copyIn(
            "COPY signal.bench_copy (account_id, occurred_at, event_id, user_id, kind, role, team,"
                + " key, quantity) FROM STDIN",
            new StringReader(sb.toString()));
        c.commit();
        lat.add(System.nanoTime() - b0);
        rows += BATCH;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      Collections.sort(lat);
      System.out.printf(
          "plain COPY baseline (1 connection, a copy of usage_fact with its 2 indexes, %d s):"
              + " %.0f rows/s, p50 %.1f ms, p99 %.1f ms per 1,000%n",
          seconds, rows / secs, pct(lat, 0.5), pct(lat, 0.99));
    }
  }
}
