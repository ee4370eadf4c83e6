package dev.headroom.prompt.exposure;

import dev.headroom.kit.outbox.Backoff;
import dev.headroom.prompt.db.ExposureDao;
import dev.headroom.prompt.decision.Exposure;
import dev.headroom.prompt.decision.ExposureSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes exposures behind the decisions: a bounded queue drained in batches by one thread. A batch
 * is committed at most {@code maxBatchDelay} after its first exposure was queued (sooner when the
 * writer falls behind): under load that makes a few large commits instead of one per handful of
 * decisions, whose per-commit cost (a handle, a statement, a durable commit) would otherwise
 * compete with the decisions for the cores. A full queue refuses the exposure (the decision then
 * serves no prompt), so an experiment never silently loses one. A failed write is retried with
 * backoff while new exposures wait in the queue; {@link #close()} stops taking new ones and writes
 * everything queued. A crash loses what was queued and not committed: about the batch delay plus
 * one commit, more only while the database is slow or failing.
 */
public final class ExposureWriter implements ExposureSink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ExposureWriter.class.getName());

  private record Queued(Exposure exposure, long queuedAtNanos) {}

  /**
   * Queue bound, batch size, how long an idle writer waits before it looks again, and how long a
   * batch may wait for more exposures after its first (zero: commit as soon as one is queued).
   */
  public record Settings(
      int queueCapacity, int batchSize, Duration flushInterval, Duration maxBatchDelay) {}

  private final Jdbi jdbi;
  private final Settings settings;
  private final ArrayBlockingQueue<Queued> queue;
  private final Timer lag;
  private final Thread thread;
  private final Backoff backoff = Backoff.defaults();
  private final RandomGenerator random = RandomGenerator.getDefault();
  private volatile boolean accepting = true;
  private volatile boolean running = true;
  private final Object counts = new Object();
  private long offered;
  private long written;

  /** How long the writer keeps one pooled connection at most under steady load. */
  private static final long HANDLE_KEPT_NANOS = TimeUnit.MINUTES.toNanos(1);

  // The handle the writer keeps while exposures keep coming: opening one per batch (a pool
  // check-out and a Jdbi handle's set-up) took about a third of the writer's CPU under load. It is
  // given back when the writer goes idle, after a failed write and at least once a minute, so the
  // pool still checks, ages and replaces its connections (after a failover, say). Used by the
  // writer thread only.
  private Handle handle;
  private long handleOpenedAtNanos;

  public ExposureWriter(Jdbi jdbi, Settings settings, MeterRegistry registry) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.thread = new Thread(this::run, "exposure-writer");
    this.thread.setDaemon(true);
    Gauge.builder("prompt.exposures.queued", queue, ArrayBlockingQueue::size)
        .description("exposures waiting to be written")
        .register(registry);
    this.lag =
        Timer.builder("prompt.exposures.write.lag")
            .description(
                "from a decision queuing its exposure to the commit that stored it: what a crash"
                    + " would lose")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  public ExposureWriter start() {
    thread.start();
    return this;
  }

  @Override
  public boolean offer(Exposure exposure) {
    synchronized (counts) {
      if (accepting && queue.offer(new Queued(exposure, System.nanoTime()))) {
        offered++;
        return true;
      }
      return false;
    }
  }

  public int queued() {
    return queue.size();
  }

  private void run() {
    try {
      writeUntilClosed();
    } finally {
      releaseHandle();
    }
  }

  private void writeUntilClosed() {
    List<Queued> batch = new ArrayList<>(settings.batchSize());
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          Queued first = queue.poll(settings.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
          if (first == null) {
            releaseHandle();
            continue;
          }
          batch.add(first);
          long wait =
              first.queuedAtNanos() + settings.maxBatchDelay().toNanos() - System.nanoTime();
          if (wait > 0 && running) {
            // close() unparks: a shutdown writes at once.
            LockSupport.parkNanos(this, wait);
          }
        }
        queue.drainTo(batch, settings.batchSize() - batch.size());
        writeWithRetry(batch);
        long committed = System.nanoTime();
        for (Queued q : batch) {
          lag.record(committed - q.queuedAtNanos(), TimeUnit.NANOSECONDS);
        }
        synchronized (counts) {
          written += batch.size();
          counts.notifyAll();
        }
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void writeWithRetry(List<Queued> batch) throws InterruptedException {
    int attempt = 0;
    while (true) {
      try {
        write(batch);
        return;
      } catch (RuntimeException | SQLException e) {
        releaseHandle();
        LOG.log(
            Level.WARNING,
            "writing " + batch.size() + " exposures failed; retrying (attempt " + attempt + ")",
            e);
        Thread.sleep(backoff.delay(attempt++, random).toMillis());
      }
    }
  }

  private void write(List<Queued> batch) throws SQLException {
    List<ExposureDao.ExposureRow> rows = new ArrayList<>(batch.size());
    for (Queued q : batch) {
      Exposure e = q.exposure();
      rows.add(
          new ExposureDao.ExposureRow(
              e.decisionId(),
              e.decidedAt().atOffset(ZoneOffset.UTC),
              e.accountId(),
              e.userId(),
              e.campaignId(),
              e.campaignVersion(),
              e.experimentId().orElse(null),
              e.unitId().orElse(null),
              e.variantKey(),
              e.holdout(),
              e.surface().name(),
              e.featureKey()));
    }
    if (handle != null && System.nanoTime() - handleOpenedAtNanos > HANDLE_KEPT_NANOS) {
      releaseHandle();
    }
    if (handle == null) {
      handle = jdbi.open();
      handleOpenedAtNanos = System.nanoTime();
    }
    ExposureDao.write(handle, rows);
  }

  private void releaseHandle() {
    if (handle == null) {
      return;
    }
    try {
      handle.close();
    } catch (RuntimeException e) {
      // A broken connection: the pool discards it; the next batch opens another.
      LOG.log(Level.FINE, "closing the exposure writer's handle failed", e);
    } finally {
      handle = null;
    }
  }

  /** Waits until every exposure offered before the call is written. */
  public void awaitWritten() throws InterruptedException {
    synchronized (counts) {
      long target = offered;
      while (written < target) {
        counts.wait(1000);
      }
    }
  }

  /**
   * Stops taking exposures and returns once everything queued is written (the writer keeps retrying
   * a failing database for up to 30 s).
   */
  @Override
  public void close() {
    synchronized (counts) {
      accepting = false;
    }
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
