package dev.headroom.scoring.bench;

import static dev.headroom.scoring.testing.Fixtures.snapshot;
import static dev.headroom.scoring.testing.Fixtures.usd;

import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.app.ScoringConfig;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Load probe (not a test): how many WatchAccountChanges changes per second the consumer applies,
 * for each consumer batch size, on the same stream in the same run (batch size 1 is a transaction
 * per change).
 *
 * <pre>
 *   --accounts N     accounts (default 2000)
 *   --per-account N  changes per account (default 3)
 *   --batches A,B    consumer batch sizes to compare (default 1,256)
 * </pre>
 *
 * Run with the module's test classpath and HEADROOM_TEST_DATABASE_DURABLE=true to pay real commits.
 */
public final class ConsumeProbe {
  private ConsumeProbe() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int accounts = Integer.parseInt(opts.getOrDefault("accounts", "2000"));
    int perAccount = Integer.parseInt(opts.getOrDefault("per-account", "3"));
    FakeSignalService signal = new FakeSignalService(Fixtures.catalog());
    Random random = new Random(1);
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    for (int n = 0; n < perAccount; n++) {
      for (int a = 0; a < accounts; a++) {
        var s =
            snapshot(
                "acct-" + a,
                start.plus(Duration.ofHours(n)),
                1 + random.nextInt(5),
                5,
                random.nextInt(101),
                random.nextInt(3),
                random.nextInt(4),
                random.nextInt(3));
        s.getAccountBuilder().setArr(usd(100_000L + 1_000L * n));
        signal.publish(s.build(), ChangeKind.CHANGE_KIND_METRICS);
      }
    }
    long last = signal.lastCursor();
    Server server =
        InProcessServerBuilder.forName("probe-signal").addService(signal).build().start();
    TestDatabase db = PostgresServer.shared().createDatabase();
    try {
      for (String batch : List.of(opts.getOrDefault("batches", "1,256").split(",", -1))) {
        Map<String, String> env = Fixtures.env(db, "in-process:probe-signal");
        env.put("HEADROOM_SCORING_DATABASE_SCHEMA", "probe_" + batch);
        env.put("HEADROOM_SCORING_CONSUMER_BATCH_SIZE", batch);
        ScoringConfig config =
            ScoringConfig.from(
                KitConfig.load("scoring", "scoring.yaml", Fixtures.class.getClassLoader(), env));
        long began = System.nanoTime();
        try (ScoringApp app = ScoringApp.start(config, Clock.systemUTC(), null, false)) {
          while (app.consumerPosition() < last) {
            Thread.sleep(20);
          }
          double seconds = (System.nanoTime() - began) / 1e9;
          System.out.printf(
              "batch %s: %d changes in %.1f s = %.0f changes/s%n",
              batch, last, seconds, last / seconds);
        }
      }
    } finally {
      server.shutdownNow();
    }
  }
}
