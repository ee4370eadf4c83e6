package dev.headroom.crm.consume;

import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.sync.AccountValuesJson;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Jdbi;

/**
 * Follows scoring-service's WatchScores from the stored cursor: stores each account's latest values
 * and queues the account for every enabled connection (debounced there).
 *
 * <p>Messages are applied in batches: a reader thread takes them off the stream into a bounded
 * queue (a full queue stops reading, so the server sends no faster than they are stored), and the
 * writer applies up to {@code batchSize} of them in one transaction together with the last one's
 * cursor, as soon as the stream is idle for {@code idle} or the batch is {@code linger} old. A
 * restart resumes after the last committed cursor, so nothing is lost, and a redelivered score is
 * older than the stored one and changes nothing. A batch that fails is retried as it is, never
 * skipped.
 */
public final class ScoreFollower implements AutoCloseable {
  public static final String NAME = "crm.scoring-scores";
  private static final Logger LOG = Logger.getLogger(ScoreFollower.class.getName());

  /**
   * @param batchSize most messages per transaction
   * @param idle a batch is written when no message came for this long
   * @param linger a batch is written at the latest this long after its first message
   */
  public record Settings(int batchSize, Duration idle, Duration linger) {}

  private final Jdbi jdbi;
  private final CursorStore cursors;
  private final Clock clock;
  private final Backoff backoff;
  private final Settings settings;
  private final ScoringServiceGrpc.ScoringServiceBlockingStub stub;
  private final BlockingQueue<WatchScoresResponse> queue;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Thread reader;
  private final Thread writer;
  private volatile boolean running = true;
  private volatile Context.CancellableContext call;
  private volatile long position = -1;
  private volatile long queuedUpTo = -1;

  public ScoreFollower(
      Channel scoring,
      Jdbi jdbi,
      CursorStore cursors,
      Clock clock,
      Backoff backoff,
      Settings settings) {
    this.jdbi = jdbi;
    this.cursors = cursors;
    this.clock = clock;
    this.backoff = backoff;
    this.settings = settings;
    this.stub = ScoringServiceGrpc.newBlockingStub(scoring);
    this.queue = new ArrayBlockingQueue<>(settings.batchSize() * 2);
    this.reader = new Thread(this::read, "consumer-" + NAME + "-reader");
    this.writer = new Thread(this::write, "consumer-" + NAME + "-writer");
    reader.setDaemon(true);
    writer.setDaemon(true);
  }

  public ScoreFollower start() {
    position = cursors.load(NAME);
    reader.start();
    writer.start();
    return this;
  }

  /** The last cursor committed with its batch, or -1 before the start. */
  public long position() {
    return position;
  }

  /** Reads the stream into the queue; reconnects after the last message it queued. */
  private void read() {
    queuedUpTo = position;
    int attempt = 0;
    while (running) {
      Context.CancellableContext c = Context.current().withCancellation();
      call = c;
      try {
        if (c.call(this::readStream) > 0) {
          attempt = 0;
        }
      } catch (InterruptedException e) {
        return;
      } catch (StatusRuntimeException e) {
        if (running && e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          LOG.warning(NAME + ": watch failed with " + e.getStatus().getCode() + "; retrying");
        }
      } catch (Exception e) {
        if (running) {
          LOG.log(Level.WARNING, NAME + ": watch failed; retrying", e);
        }
      } finally {
        c.cancel(null);
      }
      if (!sleep(backoff.delay(attempt++, random))) {
        return;
      }
    }
  }

  private int readStream() throws InterruptedException {
    int read = 0;
    Iterator<WatchScoresResponse> it =
        stub.watchScores(WatchScoresRequest.newBuilder().setAfterCursor(queuedUpTo).build());
    while (running && it.hasNext()) {
      WatchScoresResponse message = it.next();
      queue.put(message);
      queuedUpTo = message.getCursor();
      read++;
    }
    return read;
  }

  /** Takes batches off the queue and commits each with its cursor. */
  private void write() {
    List<WatchScoresResponse> batch = new ArrayList<>(settings.batchSize());
    while (running) {
      try {
        WatchScoresResponse first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long deadline = System.nanoTime() + settings.linger().toNanos();
        while (batch.size() < settings.batchSize()) {
          long left = Math.min(settings.idle().toNanos(), deadline - System.nanoTime());
          WatchScoresResponse next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        commitUntilDone(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void commitUntilDone(List<WatchScoresResponse> batch) throws InterruptedException {
    int attempt = 0;
    while (running) {
      try {
        commit(batch);
        return;
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            NAME + ": storing " + batch.size() + " scores failed; retrying the batch",
            e);
        if (!sleep(backoff.delay(attempt++, random))) {
          throw new InterruptedException();
        }
      }
    }
  }

  /** One transaction: the latest values per account, their queue entries, the cursor. */
  void commit(List<WatchScoresResponse> batch) {
    Map<String, SyncDao.AccountStateRow> latest = new TreeMap<>();
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    for (WatchScoresResponse change : batch) {
      if (change.hasScore()) {
        AccountValues values = ScoreValues.from(change.getScore());
        latest.put(
            values.accountId(),
            new SyncDao.AccountStateRow(
                values.accountId(), AccountValuesJson.write(values), change.getCursor(), now));
      }
    }
    long cursor = batch.get(batch.size() - 1).getCursor();
    jdbi.useTransaction(
        h -> {
          SyncDao dao = h.attach(SyncDao.class);
          List<SyncDao.AccountStateRow> rows = List.copyOf(latest.values());
          int[] stored = rows.isEmpty() ? new int[0] : dao.upsertAccounts(rows);
          List<String> changed = new ArrayList<>();
          for (int i = 0; i < stored.length; i++) {
            if (stored[i] > 0) {
              changed.add(rows.get(i).accountId());
            }
          }
          if (!changed.isEmpty()) {
            dao.enqueueChanges(changed, now);
          }
          cursors.save(h, NAME, cursor);
        });
    position = Math.max(position, cursor);
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return running;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    Context.CancellableContext c = call;
    if (c != null) {
      c.cancel(null);
    }
    reader.interrupt();
    writer.interrupt();
    try {
      reader.join(Duration.ofSeconds(10));
      writer.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
