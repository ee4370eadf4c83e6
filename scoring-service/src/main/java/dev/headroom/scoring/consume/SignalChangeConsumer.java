package dev.headroom.scoring.consume;

import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.mapping.SignalSnapshot;
import dev.headroom.scoring.service.ScoreRecorder;
import dev.headroom.scoring.service.Unscorable;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * Follows signal-service's WatchAccountChanges from the stored cursor and scores every change.
 *
 * <p>Changes are applied in batches, because a transaction per change spends its time waiting for
 * its own commit: one thread reads the stream into a bounded queue (a full queue stops reading, so
 * signal-service sends no faster than changes are applied), another hands up to {@code batchSize}
 * of them to {@link ScoreRecorder#applyAll} once the stream has been quiet for {@code idle} or the
 * first of them waited {@code linger}. The cursor is stored in the same transaction, so a restart
 * resumes right after the last committed batch; a redelivery is recognized by the per-account
 * cursor. A batch whose transaction fails is retried as it is, never skipped.
 */
public final class SignalChangeConsumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SignalChangeConsumer.class.getName());
  public static final String NAME = "scoring.signal-account-changes";

  /**
   * @param batchSize most changes per transaction
   * @param idle a batch is applied when no change came for this long
   * @param linger a batch is applied at the latest this long after its first change arrived
   */
  public record Settings(int batchSize, Duration idle, Duration linger) {
    public static Settings from(KitConfig c) {
      return new Settings(
          c.integer("consumer.batch-size", 1, 10_000),
          positive(c, "consumer.idle"),
          positive(c, "consumer.linger"));
    }

    private static Duration positive(KitConfig c, String key) {
      Duration d = c.duration(key);
      if (!d.isPositive()) {
        throw new ConfigException(key, key + " must be positive");
      }
      return d;
    }
  }

  private final CursorStore cursors;
  private final CatalogCache catalog;
  private final ScoreRecorder recorder;
  private final Backoff backoff;
  private final Settings settings;
  private final SignalServiceGrpc.SignalServiceBlockingStub stub;
  private final BlockingQueue<WatchAccountChangesResponse> queue;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Thread reader;
  private final Thread applier;
  private volatile boolean running = true;
  private volatile Context.CancellableContext call;
  private volatile long position = -1;
  private volatile long readUpTo = -1;

  public SignalChangeConsumer(
      Channel signal,
      CursorStore cursors,
      CatalogCache catalog,
      ScoreRecorder recorder,
      Backoff backoff,
      Settings settings) {
    this.cursors = cursors;
    this.catalog = catalog;
    this.recorder = recorder;
    this.backoff = backoff;
    this.settings = settings;
    this.stub = SignalServiceGrpc.newBlockingStub(signal);
    this.queue = new ArrayBlockingQueue<>(settings.batchSize() * 2);
    this.reader = new Thread(this::readForever, "consumer-" + NAME + "-reader");
    this.applier = new Thread(this::applyForever, "consumer-" + NAME + "-applier");
    reader.setDaemon(true);
    applier.setDaemon(true);
  }

  public SignalChangeConsumer start() {
    position = cursors.load(NAME);
    readUpTo = position;
    reader.start();
    applier.start();
    return this;
  }

  /** The last upstream cursor saved. */
  public long position() {
    return position;
  }

  /** Reconnects after the last change queued whenever the stream ends or fails. */
  private void readForever() {
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
      if (!pause(backoff.delay(attempt++, random))) {
        return;
      }
    }
  }

  private int readStream() throws InterruptedException {
    int read = 0;
    Iterator<WatchAccountChangesResponse> changes =
        stub.watchAccountChanges(
            WatchAccountChangesRequest.newBuilder().setAfterCursor(readUpTo).build());
    while (running && changes.hasNext()) {
      WatchAccountChangesResponse change = changes.next();
      queue.put(change);
      readUpTo = change.getCursor();
      read++;
    }
    return read;
  }

  private void applyForever() {
    List<WatchAccountChangesResponse> batch = new ArrayList<>(settings.batchSize());
    try {
      while (running) {
        WatchAccountChangesResponse first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        long lingerEnds = System.nanoTime() + settings.linger().toNanos();
        while (batch.size() < settings.batchSize()) {
          long wait = Math.min(settings.idle().toNanos(), lingerEnds - System.nanoTime());
          WatchAccountChangesResponse next =
              wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        applyUntilCommitted(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  private void applyUntilCommitted(List<WatchAccountChangesResponse> batch)
      throws InterruptedException {
    List<ScoreRecorder.Change> changes = new ArrayList<>(batch.size());
    for (WatchAccountChangesResponse change : batch) {
      if (change.hasSnapshot()) {
        changes.add(toChange(change));
      }
    }
    long through = batch.get(batch.size() - 1).getCursor();
    int attempt = 0;
    while (running) {
      try {
        recorder.applyAll(changes, through);
        position = Math.max(position, through);
        return;
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            NAME + ": applying " + batch.size() + " changes failed; retrying the batch",
            e);
        if (!pause(backoff.delay(attempt++, random))) {
          throw new InterruptedException();
        }
      }
    }
  }

  private ScoreRecorder.Change toChange(WatchAccountChangesResponse change) {
    if (change.getKind() == ChangeKind.CHANGE_KIND_ACCOUNT) {
      // Subscriptions may point at plans added since the last read.
      catalog.refreshIfOlderThan(Duration.ofMillis(200));
    }
    SignalSnapshot snapshot = new SignalSnapshot(change.getSnapshot());
    return new ScoreRecorder.Change(
        change.getCursor(), snapshot, map(snapshot), ScoreProtos.instant(change.getChangedAt()));
  }

  private Optional<AccountFacts> map(SignalSnapshot snapshot) {
    try {
      return Optional.of(snapshot.facts(catalog.current()));
    } catch (Unscorable first) {
      UsageSnapshot proto = snapshot.proto();
      if (proto.getAccount().getProvisional() || proto.getAccount().getCurrencyCode().isEmpty()) {
        return Optional.empty();
      }
      // Maybe the catalog changed since it was read: one fresh read, then give up on this snapshot.
      catalog.refreshIfOlderThan(Duration.ofSeconds(5));
      try {
        return Optional.of(snapshot.facts(catalog.current()));
      } catch (Unscorable again) {
        LOG.log(Level.WARNING, "not scoring: " + again.getMessage());
        return Optional.empty();
      }
    }
  }

  private boolean pause(Duration d) {
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
    applier.interrupt();
    try {
      reader.join(Duration.ofSeconds(10));
      applier.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
