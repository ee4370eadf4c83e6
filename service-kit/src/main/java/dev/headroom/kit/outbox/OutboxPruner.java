package dev.headroom.kit.outbox;

import dev.headroom.kit.config.KitConfig;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deletes outbox entries older than the retention period. Retention is by age because consumers
 * keep their cursors in their own schemas, out of the producer's sight; pick a retention longer
 * than any consumer may be down (a watch from a pruned cursor fails with FAILED_PRECONDITION
 * CURSOR_EXPIRED instead of skipping). Each run deletes in bounded batches, at most {@code
 * maxBatchesPerRun} of them.
 */
public final class OutboxPruner implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboxPruner.class.getName());

  public record Settings(
      Duration retention, Duration interval, int batchSize, int maxBatchesPerRun) {
    /**
     * Reads {@code outbox.retention}, {@code outbox.prune-interval} and {@code outbox.prune-batch}
     * (required: their defaults are in the service's YAML).
     */
    public static Settings from(KitConfig c) {
      return new Settings(
          c.duration("outbox.retention"),
          c.duration("outbox.prune-interval"),
          c.integer("outbox.prune-batch", 1, 100_000),
          100);
    }
  }

  private final Outbox outbox;
  private final Settings settings;
  private final ScheduledExecutorService scheduler;

  public OutboxPruner(Outbox outbox, Settings settings) {
    this.outbox = outbox;
    this.settings = settings;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "outbox-pruner");
              t.setDaemon(true);
              return t;
            });
  }

  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public OutboxPruner start() {
    long ms = settings.interval().toMillis();
    scheduler.scheduleWithFixedDelay(this::runOnce, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  /** One pruning pass; returns rows deleted. */
  public int runOnce() {
    int total = 0;
    try {
      for (int i = 0; i < settings.maxBatchesPerRun(); i++) {
        int n = outbox.prune(settings.retention(), settings.batchSize());
        total += n;
        if (n < settings.batchSize()) {
          break;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "outbox pruning failed; will retry next interval", e);
    }
    return total;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
