package dev.headroom.signal.db;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Folds the rollup increments the ingest path appends to {@code daily_rollup_delta_batch} (one row
 * of parallel arrays per ingest batch, see the V3 migration) into {@code daily_rollup}.
 *
 * <p>One transaction per round deletes a bounded slice of increments and upserts their sums, so an
 * increment is counted exactly once: it is either still in the delta table or already in the
 * rollup, never both, never neither (a crash rolls the round back). Increments committed while a
 * round runs are not in its snapshot and go into the next round. Rounds of several instances are
 * serialized by a transaction-level advisory lock (a round that does not get it is skipped), and
 * upserts run in key order. Each round is followed by the pause {@code yieldAfter} takes (the
 * ingest path's load decides it).
 */
public final class RollupCompactor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RollupCompactor.class.getName());
  private static final long LOCK_KEY = 0x5349474e414c5232L; // "SIGNALR2"

  /**
   * Batch rows (one per ingest batch, up to about 1,200 increments each) folded per round: about
   * 6,000 increments. A round stays shorter than an ingest batch, so while ingest is saturated the
   * compactor's share of the machine comes in short slices rather than a core taken for most of a
   * second, and a round never holds back a pause or a shutdown for long.
   */
  static final int MAX_ROWS_PER_ROUND = 5;

  private final Jdbi jdbi;
  private final Duration interval;
  private final LongPredicate yieldAfter;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "signal-rollup-compactor");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param yieldAfter pauses after a round that took the given nanoseconds, as long as background
   *     work should give way; false when interrupted (the compactor is closing)
   */
  public RollupCompactor(Jdbi jdbi, Duration interval, LongPredicate yieldAfter) {
    this.jdbi = jdbi;
    this.interval = interval;
    this.yieldAfter = yieldAfter;
  }

  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public RollupCompactor start() {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            int n;
            do {
              long start = System.nanoTime();
              n = compact();
              if (!yieldAfter.test(System.nanoTime() - start)) {
                return; // interrupted: closing
              }
            } while (n == MAX_ROWS_PER_ROUND);
          } catch (RuntimeException e) {
            LOG.log(
                Level.WARNING,
                "rollup compaction failed; the increments stay and the next round retries",
                e);
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * One round: folds up to {@link #MAX_ROWS_PER_ROUND} batch rows of increments; returns how many
   * were folded.
   */
  public int compact() {
    return jdbi.inTransaction(
        h -> {
          if (!h.createQuery("SELECT pg_try_advisory_xact_lock(:k)")
              .bind("k", LOCK_KEY)
              .mapTo(Boolean.class)
              .one()) {
            return 0; // another instance is compacting
          }
          // The default 4 MB made the sum-and-sort of a round spill to disk (about a third of its
          // time).
          h.execute("SET LOCAL work_mem = '32MB'");
          return h.createQuery(
                  """
                  WITH b AS (
                    DELETE FROM daily_rollup_delta_batch
                    WHERE ctid IN (SELECT ctid FROM daily_rollup_delta_batch LIMIT :max)
                    RETURNING account_ids, days, metrics, keys, vals
                  ),
                  moved AS (
                    SELECT u.* FROM b, unnest(b.account_ids, b.days, b.metrics, b.keys, b.vals)
                      AS u(account_id, day, metric, key, value)
                  ),
                  up AS (
                    INSERT INTO daily_rollup (account_id, day, metric, key, value)
                    SELECT account_id, day, metric, key, sum(value) FROM moved
                    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                    ON CONFLICT (account_id, day, metric, key)
                    DO UPDATE SET value = daily_rollup.value + EXCLUDED.value
                  )
                  SELECT count(*) FROM b\
                  """)
              .bind("max", MAX_ROWS_PER_ROUND)
              .mapTo(Integer.class)
              .one();
        });
  }

  /**
   * Stops the timer and folds what is left (best effort: the increments are durable either way).
   */
  @Override
  public void close() {
    timer.shutdown(); // lets a running round finish (it holds a pooled connection)
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
      compact();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "final rollup compaction skipped", e);
    }
  }
}
