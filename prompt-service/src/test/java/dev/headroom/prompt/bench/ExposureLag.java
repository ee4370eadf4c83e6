package dev.headroom.prompt.bench;

import dev.headroom.kit.db.Database;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.decision.Exposure;
import dev.headroom.prompt.exposure.ExposureWriter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What a crash can lose: exposures are queued at a steady rate (open loop) into the real writer on
 * PostgreSQL for a while, and the time from queuing to the commit that stored each one is reported
 * (the writer's {@code prompt.exposures.write.lag}). Run with {@code
 * HEADROOM_TEST_DATABASE_DURABLE=true} for production-like commits: {@code java -cp <test
 * classpath> dev.headroom.prompt.bench.ExposureLag 5000 20} (rate per second, seconds).
 */
public final class ExposureLag {
  private ExposureLag() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    TestDatabase tdb = PostgresServer.shared().createDatabase();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Database db = new Database("prompt", tdb.settings("prompt"))) {
      db.migrate();
      ExposureWriter writer =
          new ExposureWriter(
              db.jdbi(),
              new ExposureWriter.Settings(
                  50_000, 1000, Duration.ofMillis(200), Duration.ofMillis(20)),
              registry);
      writer.start();
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      long start = System.nanoTime();
      long total = (long) rate * seconds;
      long refused = 0;
      for (long i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        if (!writer.offer(exposure(i))) {
          refused++;
        }
      }
      writer.close();
      Timer lag = registry.get("prompt.exposures.write.lag").timer();
      StringBuilder out =
          new StringBuilder(
              String.format(
                  "rate=%d/s seconds=%d exposures=%d refused=%d",
                  rate, seconds, lag.count(), refused));
      for (ValueAtPercentile p : lag.takeSnapshot().percentileValues()) {
        out.append(
            String.format(" p%.0f=%.1fms", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
      }
      out.append(String.format(" max=%.1fms", lag.max(TimeUnit.MILLISECONDS)));
      System.out.println(out);
    } finally {
      tdb.drop();
    }
  }

  private static Exposure exposure(long i) {
    return new Exposure(
        "d-" + i,
        Instant.parse("2026-11-30T12:00:00Z").plusMillis(i),
        "account-" + (i % 100_000),
        "user-" + (i % 7),
        "campaign-" + (i % 5),
        1,
        Optional.of("x1"),
        Optional.of("account-" + (i % 100_000)),
        i % 2 == 0 ? "control" : "treatment",
        false,
        Surface.FEATURE_USE,
        "sso");
  }
}
