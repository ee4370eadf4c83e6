package dev.headroom.scoring.bench;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.ActivateModelRequest;
import dev.headroom.api.scoring.v1.CreateModelRequest;
import dev.headroom.api.scoring.v1.GetModelRequest;
import dev.headroom.api.scoring.v1.Model;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoreCategory;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.testing.Fixtures;
import dev.headroom.scoring.testing.RealSignal;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Load harness (not a test): how long activating a model takes to re-score N accounts end to end
 * (read snapshots, compute, persist current + history, publish to the outbox), and the latency from
 * a signal change to the WatchScores message with a real signal-service. Run it with `./headroom
 * bench rescore --accounts 1000000 --changes 300`.
 *
 * <pre>
 *   --accounts N     accounts seeded with stored snapshots (default 1,000,000)
 *   --batch N        re-score batch size (default 2000)
 *   --threads N      re-score compute workers (default: cores)
 *   --changes N      signal changes for the latency run (default 300; 0 skips it)
 * </pre>
 *
 * Uses HEADROOM_TEST_DATABASE_URL when set, else embedded PostgreSQL (as the tests do; durable when
 * HEADROOM_TEST_DATABASE_DURABLE=true, which `./headroom bench` sets).
 */
public final class RescoreBenchmark {
  /** Held so the level set on it is not lost to garbage collection. */
  private static final Logger RESCORER_LOG =
      Logger.getLogger("dev.headroom.scoring.service.Rescorer");

  private RescoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int accounts = Integer.parseInt(opts.getOrDefault("accounts", "1000000"));
    int batch = Integer.parseInt(opts.getOrDefault("batch", "2000"));
    int threads =
        Integer.parseInt(
            opts.getOrDefault(
                "threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
    int changes = Integer.parseInt(opts.getOrDefault("changes", "300"));
    Logger.getLogger("").setLevel(Level.WARNING);
    RESCORER_LOG.setLevel(Level.INFO);

    System.out.printf(
        "cores=%d accounts=%,d batch=%d threads=%d changes=%d%n",
        Runtime.getRuntime().availableProcessors(), accounts, batch, threads, changes);
    TestDatabase db = PostgresServer.shared().createDatabase();
    try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
      rs.next();
      System.out.printf(
          "postgresql: fsync=%s synchronous_commit=%s%n", rs.getString(1), rs.getString(2));
    }
    RealSignal signal = RealSignal.start(Map.of());
    signal.putCatalog();
    Map<String, String> env = new HashMap<>(Fixtures.env(db, signal.address()));
    env.put("HEADROOM_SCORING_RESCORE_BATCH_SIZE", Integer.toString(batch));
    env.put("HEADROOM_SCORING_RESCORE_THREADS", Integer.toString(threads));
    env.put("HEADROOM_SCORING_DATABASE_POOL_SIZE", "8");
    String name = "scoring-bench-" + UUID.randomUUID();
    ScoringApp app =
        ScoringApp.start(
            dev.headroom.scoring.app.ScoringConfig.from(
                dev.headroom.kit.config.KitConfig.load(
                    "scoring", "scoring.yaml", RescoreBenchmark.class.getClassLoader(), env)),
            Clock.systemUTC(),
            name,
            false);
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      if (changes > 0) {
        latency(signal, app, channel, changes);
      }
      if (accounts > 0) {
        rescore(db, app, channel, accounts);
      }
    } finally {
      channel.shutdownNow();
      app.close();
      signal.close();
      db.drop();
    }
    System.exit(0);
  }

  // ---- signal change → WatchScores
  // ------------------------------------------------------------------------

  static void latency(RealSignal signal, ScoringApp app, ManagedChannel channel, int changes)
      throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // Each account gets one user first, then one more: each second user is one material score
    // change.
    for (int i = 0; i < changes; i++) {
      signal.putAccount("lat-" + i, "pro", 5, now.minus(Duration.ofDays(120)));
    }
    List<dev.headroom.api.signal.v1.UsageEvent> first = new ArrayList<>();
    for (int i = 0; i < changes; i++) {
      first.add(
          RealSignal.event(
              "lat-" + i + "-u1",
              "lat-" + i,
              "lat-" + i + "-u1",
              now.minusSeconds(3600),
              "USER_ADDED",
              Map.of("role", "OWNER")));
    }
    for (int from = 0; from < first.size(); from += 1000) {
      signal.ingest(first.subList(from, Math.min(first.size(), from + 1000)));
    }
    // The watches end with this method, so they do not compete with the re-score measured next.
    io.grpc.Context.CancellableContext watches = io.grpc.Context.current().withCancellation();
    io.grpc.Context previous = watches.attach();
    Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    Map<String, Integer> seats = new ConcurrentHashMap<>();
    ScoringServiceGrpc.newStub(channel)
        .watchScores(
            WatchScoresRequest.getDefaultInstance(),
            new StreamObserver<WatchScoresResponse>() {
              @Override
              public void onNext(WatchScoresResponse r) {
                Score s = r.getScore();
                int used =
                    Integer.parseInt(s.getCategories(0).getInputsOrDefault("seats_used", "0"));
                if (used == 2) {
                  receivedAt.putIfAbsent(s.getAccountId(), System.nanoTime());
                }
                seats.merge(s.getAccountId(), used, Math::max);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    // The same change as signal-service announces it, received by a client in this JVM: the
    // difference to the
    // WatchScores message is scoring-service's share of the latency.
    Map<String, Long> signalAt = new ConcurrentHashMap<>();
    dev.headroom.api.signal.v1.SignalServiceGrpc.newStub(signal.channel)
        .watchAccountChanges(
            dev.headroom.api.signal.v1.WatchAccountChangesRequest.getDefaultInstance(),
            new StreamObserver<dev.headroom.api.signal.v1.WatchAccountChangesResponse>() {
              @Override
              public void onNext(dev.headroom.api.signal.v1.WatchAccountChangesResponse r) {
                if (r.getSnapshot().getSeatsUsed() == 2) {
                  signalAt.putIfAbsent(r.getAccountId(), System.nanoTime());
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (seats.size() < changes && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1000); // let the initial wave settle
    watches.detach(previous);
    double[] endToEnd = new double[changes];
    double[] scoringShare = new double[changes];
    for (int i = 0; i < changes; i++) {
      String account = "lat-" + i;
      long t0 = System.nanoTime();
      signal.ingest(
          List.of(
              RealSignal.event(
                  account + "-u2",
                  account,
                  account + "-u2",
                  Instant.now(),
                  "USER_ADDED",
                  Map.of("role", "MEMBER"))));
      while (!receivedAt.containsKey(account)) {
        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(30)) {
          throw new IllegalStateException("no WatchScores message for " + account);
        }
        Thread.onSpinWait();
      }
      endToEnd[i] = (receivedAt.get(account) - t0) / 1e6;
      while (!signalAt.containsKey(account)) {
        Thread.onSpinWait();
      }
      scoringShare[i] = (receivedAt.get(account) - signalAt.get(account)) / 1e6;
    }
    Arrays.sort(endToEnd);
    Arrays.sort(scoringShare);
    System.out.printf(
        "latency, signal-service change received -> WatchScores message received (scoring's share),"
            + " %d changes: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        changes,
        pct(scoringShare, 0.50),
        pct(scoringShare, 0.99),
        scoringShare[scoringShare.length - 1]);
    System.out.printf(
        "latency, ingest ack -> WatchScores message (signal detection included), %d changes: "
            + "p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        changes, pct(endToEnd, 0.50), pct(endToEnd, 0.99), endToEnd[endToEnd.length - 1]);
    watches.cancel(null);
  }

  static double pct(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  // ---- re-score
  // -------------------------------------------------------------------------------------------

  static void rescore(TestDatabase db, ScoringApp app, ManagedChannel channel, int accounts)
      throws Exception {
    long t0 = System.nanoTime();
    seed(db, accounts);
    System.out.printf(
        "seeded %,d accounts with stored snapshots in %.1f s%n",
        accounts, (System.nanoTime() - t0) / 1e9);
    var stub = ScoringServiceGrpc.newBlockingStub(channel);
    Model.Builder m =
        Model.newBuilder()
            .setPremiumAttemptsForFullPoints(10)
            .setGrowthPointsPerNewUser(3)
            .setExpectedWorkflowsPerSeat(2)
            .setFieldSalesArrThreshold(Fixtures.usd(5_000_000));
    int[] points = {40, 15, 15, 15, 15};
    for (int i = 0; i < points.length; i++) {
      m.addWeights(
          dev.headroom.api.scoring.v1.CategoryWeight.newBuilder()
              .setCategory(ScoreCategory.forNumber(i + 1))
              .setMaxPoints(points[i]));
    }
    long version =
        stub.createModel(CreateModelRequest.newBuilder().setModel(m).build())
            .getModel()
            .getVersion();
    long start = System.nanoTime();
    Model activated =
        stub.activateModel(
                ActivateModelRequest.newBuilder().setVersion(version).setActor("bench").build())
            .getModel();
    long total = activated.getRescore().getAccountsTotal();
    long lastPrint = start;
    Model now;
    do {
      Thread.sleep(200);
      now = stub.getModel(GetModelRequest.newBuilder().setVersion(version).build()).getModel();
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
        lastPrint = System.nanoTime();
        System.out.printf(
            "  ... %,d / %,d after %.0f s%n",
            now.getRescore().getAccountsDone(), total, (lastPrint - start) / 1e9);
      }
    } while (!now.getRescore().hasFinishedAt());
    double seconds = (System.nanoTime() - start) / 1e9;
    double stored =
        Duration.between(
                    ScoreProtos.instant(now.getRescore().getStartedAt()),
                    ScoreProtos.instant(now.getRescore().getFinishedAt()))
                .toMillis()
            / 1e3;
    long published = (long) app.meterRegistry().get("scoring.changes.published").counter().count();
    System.out.printf(
        "re-score of %,d accounts: %.1f s (server-side started->finished %.1f s), %,.0f accounts/s;"
            + " %,d WatchScores entries published%n",
        total, seconds, stored, total / seconds, published);
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                """
                SELECT (SELECT count(*) FROM scoring.score_current WHERE model_version = %d),
                       (SELECT count(*) FROM scoring.score_history),
                       (SELECT count(*) FROM scoring.outbox WHERE stream = 'scores'),
                       pg_size_pretty(pg_total_relation_size('scoring.score_current')),
                       pg_size_pretty(pg_total_relation_size('scoring.score_history')),
                       pg_size_pretty(pg_total_relation_size('scoring.outbox'))\
                """
                    .formatted(version))) {
      rs.next();
      System.out.printf(
          "check: %,d current rows on the new model, %,d history rows, %,d outbox entries; "
              + "sizes current %s, history %s, outbox %s%n",
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          rs.getString(4),
          rs.getString(5),
          rs.getString(6));
    }
  }

  /** COPYs {@code n} generated accounts: a stored snapshot and a version-1 current score each. */
  static void seed(TestDatabase db, int n) throws Exception {
    Instant asOf = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String ts = asOf.toString();
    Random random = new Random(1);
    HexFormat hex = HexFormat.of();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      PGConnection pg = c.unwrap(PGConnection.class);
      CopyIn state =
          pg.getCopyAPI()
              .copyIn(
                  "COPY scoring.account_state (account_id, upstream_cursor, as_of, "
                      + "currency, snapshot, updated_at) FROM STDIN");
      ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
      List<String> currentLines = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String id = String.format("acct-%08d", i);
        int used = 1 + random.nextInt(30);
        int purchased = Math.max(5, used - 5 + random.nextInt(10));
        UsageSnapshot.Builder s =
            Fixtures.snapshot(
                id,
                asOf,
                used,
                purchased,
                random.nextInt(101),
                random.nextInt(15),
                random.nextInt(8),
                random.nextInt(40));
        if (random.nextInt(3) == 0) {
          s.addSignals(
              Fixtures.signal(
                  id,
                  SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH,
                  ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                  asOf.minus(Duration.ofDays(3))));
        }
        if (random.nextInt(4) == 0) {
          s.addSignals(
              Fixtures.signal(
                  id,
                  SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND,
                  ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
                  asOf.minus(Duration.ofDays(1))));
        }
        String line =
            id
                + "\t"
                + (i + 1)
                + "\t"
                + ts
                + "\tUSD\t\\\\x"
                + hex.formatHex(s.build().toByteArray())
                + "\t"
                + ts
                + "\n";
        buf.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        if (buf.size() > (1 << 20)) {
          state.writeToCopy(buf.toByteArray(), 0, buf.size());
          buf.reset();
        }
        int score = random.nextInt(101);
        Score placeholder =
            Score.newBuilder().setAccountId(id).setScore(score).setModelVersion(1).build();
        currentLines.add(
            id
                + "\t1\t"
                + score
                + "\t"
                + dev.headroom.scoring.domain.ReadinessBand.of(score)
                + "\tNONE\t0\t1\t"
                + ts
                + "\t"
                + ts
                + "\t0\t0\t0\t0\t0\t\\\\x"
                + hex.formatHex(placeholder.toByteArray())
                + "\n");
      }
      state.writeToCopy(buf.toByteArray(), 0, buf.size());
      state.endCopy();
      CopyIn current =
          pg.getCopyAPI()
              .copyIn(
                  "COPY scoring.score_current (account_id, revision, score, band, motion,"
                      + " types_mask, model_version, as_of, computed_at, f_capacity, f_feature,"
                      + " f_engagement, f_growth, f_value, score_pb) FROM STDIN");
      buf.reset();
      for (String line : currentLines) {
        buf.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        if (buf.size() > (1 << 20)) {
          current.writeToCopy(buf.toByteArray(), 0, buf.size());
          buf.reset();
        }
      }
      current.writeToCopy(buf.toByteArray(), 0, buf.size());
      current.endCopy();
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM ANALYZE scoring.account_state");
        st.execute("VACUUM ANALYZE scoring.score_current");
        st.execute("CHECKPOINT");
      }
    }
  }
}
