package dev.headroom.scoring.service;

import dev.headroom.kit.outbox.Outbox;
import dev.headroom.scoring.db.ModelDao;
import dev.headroom.scoring.db.RescoreStore;
import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.domain.PlanCatalog;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.domain.Scorer;
import dev.headroom.scoring.domain.ScoringModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Re-scores every account with a newly activated model, in the background, from the stored
 * snapshots.
 *
 * <p>A three-stage pipeline over account-id keyset batches: one thread reads the next batch while a
 * bounded pool (one worker per core) computes the current one and one thread writes the previous
 * one. Each batch is written in one transaction with set-based statements (current rows, history
 * rows, outbox entries); a current row that the change consumer rewrote after it was read (revision
 * moved) is left alone, because the consumer already scored it with the new model (activation
 * commits before the re-score reads, and the consumer reads the active version under a share lock).
 * Accounts already scored by the new version are skipped by the read, so a re-score interrupted by
 * a restart resumes where it stopped. Progress is stored on the model row after each batch.
 */
public final class Rescorer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Rescorer.class.getName());

  /**
   * @param batchSize accounts per read and per write transaction
   * @param threads compute workers (bounded by the cores)
   */
  public record Settings(int batchSize, int threads) {
    public Settings {
      if (batchSize < 1 || batchSize > 100_000 || threads < 1) {
        throw new IllegalArgumentException("batchSize must be 1..100000 and threads >= 1");
      }
    }
  }

  private final Jdbi jdbi;
  private final RescoreStore store;
  private final Outbox outbox;
  private final ScoreEncoding encoding;
  private final Models models;
  private final CatalogSource catalog;
  private final ScoringMetrics metrics;
  private final Clock clock;
  private final Settings settings;
  private final Scorer scorer = new Scorer();
  private final ExecutorService job = daemonPool("rescore-job");
  private final ExecutorService reader = daemonPool("rescore-read");
  private final ExecutorService writer = daemonPool("rescore-write");
  private final ForkJoinPool compute;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;

  public Rescorer(
      Jdbi jdbi,
      String schema,
      Outbox outbox,
      ScoreEncoding encoding,
      Models models,
      CatalogSource catalog,
      ScoringMetrics metrics,
      Clock clock,
      Settings settings) {
    this.jdbi = jdbi;
    this.store = new RescoreStore(schema);
    this.outbox = outbox;
    this.encoding = encoding;
    this.models = models;
    this.catalog = catalog;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
    this.compute = new ForkJoinPool(settings.threads());
  }

  /**
   * Starts the re-score for {@code version} in the background. A failure (database or
   * signal-service briefly unreachable) is retried with capped backoff until the re-score finishes
   * or the service stops: the model row says a re-score is running, so giving up would block every
   * later activation until a restart.
   */
  public Future<?> start(long version) {
    running.set(true);
    return job.submit(
        () -> {
          try {
            for (int attempt = 0; !closed; attempt++) {
              try {
                run(version);
                return;
              } catch (InterruptedException e) {
                return;
              } catch (Exception e) {
                if (closed) {
                  return;
                }
                long delay = Math.min(30_000, 500L << Math.min(attempt, 6));
                LOG.log(
                    Level.WARNING,
                    "re-score for model "
                        + version
                        + " failed; retrying in "
                        + delay
                        + " ms from where it stopped",
                    e);
                Thread.sleep(delay);
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            running.set(false);
          }
        });
  }

  /** Resumes re-scores a restart interrupted. */
  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void resumeUnfinished() {
    for (ModelDao.ModelRow m : jdbi.withExtension(ModelDao.class, ModelDao::unfinishedRescores)) {
      LOG.info("resuming the re-score for model " + m.version());
      start(m.version());
    }
  }

  public boolean running() {
    return running.get();
  }

  private record Computed(ScoreDao.ScoreRow row, long expectedRevision, byte[] payload) {}

  private void run(long version) throws Exception {
    ScoringModel model = models.model(version);
    try {
      catalog.refresh();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "re-score: catalog refresh failed; using the cached catalog", e);
    }
    PlanCatalog cat = catalog.current();
    ModelDao.ModelRow row = models.row(version);
    metrics.rescoreStarted(version, row.rescoreTotal() == null ? 0 : row.rescoreTotal());
    Instant started = clock.instant();
    long processed = 0;
    long waitRead = 0;
    long computeNanos = 0;
    long waitWrite = 0;
    Future<List<RescoreStore.Input>> next = reader.submit(() -> read(version, ""));
    Future<?> pendingWrite = CompletableFuture.completedFuture(null);
    while (!closed) {
      long w0 = System.nanoTime();
      List<RescoreStore.Input> batch = next.get();
      waitRead += System.nanoTime() - w0;
      if (batch.isEmpty()) {
        break;
      }
      String last = batch.get(batch.size() - 1).accountId();
      next = reader.submit(() -> read(version, last));
      Instant now = clock.instant();
      long c0 = System.nanoTime();
      List<Computed> computed =
          compute
              .submit(
                  () ->
                      batch.parallelStream()
                          .map(in -> compute(in, model, cat, now))
                          .filter(c -> c != null)
                          .toList())
              .get();
      long c1 = System.nanoTime();
      computeNanos += c1 - c0;
      pendingWrite.get();
      waitWrite += System.nanoTime() - c1;
      int size = batch.size();
      pendingWrite =
          writer.submit(
              () -> {
                write(version, computed, size);
                return null;
              });
      processed += size;
    }
    pendingWrite.get();
    if (closed) {
      return;
    }
    jdbi.useExtension(
        ModelDao.class, d -> d.finishRescore(version, ScoreRows.utc(clock.instant())));
    long took = Duration.between(started, clock.instant()).toMillis();
    LOG.info(
        "re-score for model "
            + version
            + " finished: "
            + processed
            + " accounts in "
            + took
            + " ms (waiting for reads "
            + waitRead / 1_000_000
            + " ms, computing "
            + computeNanos / 1_000_000
            + " ms, waiting for writes "
            + waitWrite / 1_000_000
            + " ms)");
  }

  private List<RescoreStore.Input> read(long version, String after) throws Exception {
    return jdbi.withHandle(h -> store.read(h, version, after, settings.batchSize()));
  }

  private Computed compute(
      RescoreStore.Input in, ScoringModel model, PlanCatalog cat, Instant now) {
    if (in.snapshot() == null) {
      metrics.unscorable();
      return null;
    }
    try {
      UpstreamSnapshot snapshot = encoding.snapshot(in.snapshot());
      ScoreResult r = scorer.score(snapshot.facts(cat), model);
      // A new model version is always a material change (ScoreResult#materiallyDiffersFrom compares
      // it).
      byte[] bytes = snapshot.encodeScore(r, now);
      return new Computed(
          ScoreRows.row(r, in.revision() + 1, bytes, now),
          in.revision(),
          encoding.watchPayload(bytes, in.previousScore(), ScoreRows.band(in.previousBand())));
    } catch (Unscorable | RuntimeException e) {
      metrics.unscorable();
      LOG.log(Level.FINE, "re-score: account " + in.accountId() + " skipped", e);
      return null;
    }
  }

  private void write(long version, List<Computed> computed, int batchSize) throws Exception {
    long t0 = System.nanoTime();
    int[] published = new int[1];
    jdbi.useTransaction(
        h -> {
          List<ScoreDao.ScoreRow> rows = new ArrayList<>(computed.size());
          long[] expected = new long[computed.size()];
          for (int i = 0; i < computed.size(); i++) {
            rows.add(computed.get(i).row());
            expected[i] = computed.get(i).expectedRevision();
          }
          Set<String> written = rows.isEmpty() ? Set.of() : store.writeCurrent(h, rows, expected);
          List<ScoreDao.ScoreRow> history = new ArrayList<>(written.size());
          List<Outbox.NewEntry> entries = new ArrayList<>(written.size());
          for (Computed c : computed) {
            if (written.contains(c.row().accountId())) {
              history.add(c.row());
              entries.add(new Outbox.NewEntry(c.row().accountId(), c.payload()));
            }
          }
          store.insertHistory(h, history);
          outbox.appendAll(h, ScoreRows.STREAM, entries);
          published[0] = entries.size();
        });
    // Outside the batch transaction: the consumer share-locks the model row, and holding its row
    // lock here
    // while waiting for a current row the consumer holds would deadlock.
    jdbi.useExtension(ModelDao.class, d -> d.addRescoreProgress(version, batchSize));
    metrics.computed(true, computed.size());
    metrics.historyRows(published[0]);
    metrics.published(published[0]);
    metrics.rescoreProgress(batchSize);
    metrics.rescoreBatch(Duration.ofNanos(System.nanoTime() - t0));
  }

  private static ExecutorService daemonPool(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public void close() {
    closed = true;
    job.shutdown();
    try {
      job.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    job.shutdownNow();
    reader.shutdownNow();
    writer.shutdownNow();
    compute.shutdownNow();
  }
}
