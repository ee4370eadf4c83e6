package dev.headroom.prompt.consume;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.ListAccountsRequest;
import dev.headroom.api.signal.v1.ListAccountsResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.ResumingConsumer;
import dev.headroom.kit.outbox.ResyncOnExpiredCursor;
import dev.headroom.prompt.context.ContextStore;
import dev.headroom.prompt.context.StoredContext;
import io.grpc.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the context current: follows signal-service's WatchAccountChanges and scoring-service's
 * WatchScores (each with its cursor stored in the same transaction as the persisted change, so a
 * restart resumes right after the last applied one), and reads the catalog with GetCatalog on
 * account changes and periodically. Every change is persisted before memory sees it; {@link
 * #rebuild()} loads the persisted context after a start, which is what the service waits for before
 * it reports SERVING.
 */
public final class ContextFeeds implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ContextFeeds.class.getName());
  public static final String SIGNAL_CONSUMER = "prompt.signal-account-changes";
  public static final String SCORING_CONSUMER = "prompt.scoring-scores";

  /**
   * The upstreams' largest page: a resynchronization reads everything, in as few calls as it can.
   */
  private static final int RESYNC_PAGE_SIZE = 1000;

  /** Where the catalog comes from and how often it is re-read. */
  public record Settings(
      String coreProductKey, Duration catalogRefresh, Duration catalogDeadline) {}

  private final StoredContext stored;
  private final ContextStore store;
  private static final Duration CATALOG_MIN_GAP = Duration.ofMillis(200);

  private final Settings settings;
  private final Clock clock;
  private final SignalServiceGrpc.SignalServiceBlockingStub signal;
  private final ScoringServiceGrpc.ScoringServiceBlockingStub scoring;
  private final ResumingConsumer<WatchAccountChangesResponse> usageConsumer;
  private final ResumingConsumer<WatchScoresResponse> scoreConsumer;
  private final ScheduledExecutorService timer;
  private volatile long catalogReadAtNanos;
  private final AtomicBoolean catalogRefreshScheduled = new AtomicBoolean();
  private volatile long usageResumesAfter = -1;
  private volatile long scoresResumeAfter = -1;
  private volatile byte[] catalogBytes;
  private boolean closed;

  public ContextFeeds(
      StoredContext stored,
      CursorStore cursors,
      ContextStore store,
      Channel signalChannel,
      Channel scoringChannel,
      Settings settings,
      Clock clock) {
    this.stored = stored;
    this.store = store;
    this.settings = settings;
    this.clock = clock;
    this.signal = SignalServiceGrpc.newBlockingStub(signalChannel);
    this.scoring = ScoringServiceGrpc.newBlockingStub(scoringChannel);
    this.usageConsumer =
        new ResumingConsumer<>(
            SIGNAL_CONSUMER,
            cursors,
            new ResyncOnExpiredCursor<>(
                cursor ->
                    signal.watchAccountChanges(
                        WatchAccountChangesRequest.newBuilder().setAfterCursor(cursor).build()),
                this::resyncUsage),
            WatchAccountChangesResponse::getCursor,
            this::applyAccountChange,
            Backoff.defaults());
    this.scoreConsumer =
        new ResumingConsumer<>(
            SCORING_CONSUMER,
            cursors,
            new ResyncOnExpiredCursor<>(
                cursor ->
                    scoring.watchScores(
                        WatchScoresRequest.newBuilder().setAfterCursor(cursor).build()),
                this::resyncScores),
            WatchScoresResponse::getCursor,
            this::applyScore,
            Backoff.defaults());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "prompt-catalog-refresh");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Loads the persisted catalog and every persisted account into memory, then marks the context
   * rebuilt. Memory grows by one entry per account; nothing upstream is replayed.
   */
  public void rebuild() {
    // The cursors are read before the context: every change up to them is in what is loaded next,
    // and the feeds resume after them, so a change another replica stores meanwhile is redelivered.
    usageResumesAfter = stored.cursor(SIGNAL_CONSUMER);
    scoresResumeAfter = stored.cursor(SCORING_CONSUMER);
    stored.catalog().ifPresent(this::installCatalog);
    stored.forEachAccount(
        account -> {
          try {
            if (account.usage() != null) {
              store.putUsage(ContextProtos.usage(UsageSnapshot.parseFrom(account.usage())));
            }
            if (account.score() != null) {
              store.putScore(
                  account.accountId(), ContextProtos.score(Score.parseFrom(account.score())));
            }
          } catch (InvalidProtocolBufferException e) {
            LOG.log(Level.WARNING, "skipping an unreadable stored context row", e);
          }
        });
    store.markRebuilt();
  }

  /** Starts following both streams and refreshing the catalog. */
  // The periodic task handles its own failures; shutting the executor down cancels it.
  @SuppressWarnings("FutureReturnValueIgnored")
  public synchronized ContextFeeds start() {
    if (closed) {
      return this;
    }
    long every = Math.max(1, settings.catalogRefresh().toMillis());
    timer.scheduleWithFixedDelay(this::refreshCatalogQuietly, 0, every, TimeUnit.MILLISECONDS);
    if (usageResumesAfter >= 0) {
      usageConsumer.startAfter(usageResumesAfter);
      scoreConsumer.startAfter(scoresResumeAfter);
    } else {
      usageConsumer.start();
      scoreConsumer.start();
    }
    return this;
  }

  /**
   * Re-reads the catalog now, or, when it was read less than {@link #CATALOG_MIN_GAP} ago, once
   * that gap has passed: a burst of account changes costs one read, and a plan or feature added
   * just after the last read is still picked up (skipping the read would leave it unknown until the
   * periodic refresh).
   */
  private void refreshCatalogSoon() {
    long sinceLastRead = System.nanoTime() - catalogReadAtNanos;
    if (sinceLastRead > CATALOG_MIN_GAP.toNanos()) {
      refreshCatalogQuietly();
    } else if (catalogRefreshScheduled.compareAndSet(false, true)) {
      try {
        var unused =
            timer.schedule(
                () -> {
                  catalogRefreshScheduled.set(false);
                  refreshCatalogQuietly();
                },
                CATALOG_MIN_GAP.toNanos() - sinceLastRead,
                TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException stopping) {
        catalogRefreshScheduled.set(false);
      }
    }
  }

  private void refreshCatalogQuietly() {
    try {
      refreshCatalog();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "catalog refresh failed; keeping the known catalog", e);
    }
  }

  /** Reads the catalog now, persists it and puts it in memory. */
  public synchronized void refreshCatalog() {
    Catalog catalog =
        signalWithDeadline().getCatalog(GetCatalogRequest.getDefaultInstance()).getCatalog();
    byte[] bytes = catalog.toByteArray();
    // Re-read on every account change: only a changed catalog is written and mapped again.
    if (!Arrays.equals(bytes, catalogBytes)) {
      stored.putCatalog(bytes, clock.instant());
      installCatalog(bytes);
    }
    catalogReadAtNanos = System.nanoTime();
  }

  private void installCatalog(byte[] bytes) {
    catalogBytes = bytes;
    try {
      store.replaceCatalog(
          ContextProtos.catalog(Catalog.parseFrom(bytes), settings.coreProductKey()));
    } catch (InvalidProtocolBufferException e) {
      LOG.log(Level.WARNING, "the stored catalog is unreadable; waiting for a fresh read", e);
    }
  }

  void applyAccountChange(WatchAccountChangesResponse change) {
    if (!change.hasSnapshot()) {
      return;
    }
    if (change.getKind() == ChangeKind.CHANGE_KIND_ACCOUNT) {
      // Subscriptions may name plans added since the last read.
      refreshCatalogSoon();
    }
    UsageSnapshot trimmed = ContextProtos.trim(change.getSnapshot());
    // Replicas share the stored context: when another replica stored this change (or a later one)
    // first, this replica's memory takes the stored snapshot, so every replica ends up current.
    byte[] newest =
        stored.putUsage(
            SIGNAL_CONSUMER, trimmed.getAccountId(), change.getCursor(), trimmed.toByteArray());
    try {
      store.putUsage(ContextProtos.usage(UsageSnapshot.parseFrom(newest)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "stored usage of " + trimmed.getAccountId() + " is unreadable", e);
    }
  }

  void applyScore(WatchScoresResponse change) {
    if (!change.hasScore()) {
      return;
    }
    Score trimmed = ContextProtos.trim(change.getScore());
    byte[] newest =
        stored.putScore(
            SCORING_CONSUMER, trimmed.getAccountId(), change.getCursor(), trimmed.toByteArray());
    try {
      store.putScore(trimmed.getAccountId(), ContextProtos.score(Score.parseFrom(newest)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "stored score of " + trimmed.getAccountId() + " is unreadable", e);
    }
  }

  /**
   * Signal-service no longer retains the changes after the stored cursor: every account's usage is
   * read again (ListAccounts, then GetUsageSnapshot per account) and stored as of {@code asOf}, so
   * the changes the stream replays from there apply over it. Decisions wait meanwhile.
   */
  void resyncUsage(long asOf) {
    LOG.warning(
        () -> SIGNAL_CONSUMER + ": cursor past signal-service's retention; resynchronizing");
    store.beginResync();
    try {
      refreshCatalog();
      String pageToken = "";
      do {
        ListAccountsResponse page =
            signalWithDeadline()
                .listAccounts(
                    ListAccountsRequest.newBuilder()
                        .setPageSize(RESYNC_PAGE_SIZE)
                        .setPageToken(pageToken)
                        .build());
        for (Account account : page.getAccountsList()) {
          UsageSnapshot snapshot =
              ContextProtos.trim(
                  signalWithDeadline()
                      .getUsageSnapshot(
                          GetUsageSnapshotRequest.newBuilder()
                              .setAccountId(account.getAccountId())
                              .build())
                      .getSnapshot());
          stored.replaceUsage(snapshot.getAccountId(), asOf, snapshot.toByteArray());
          store.putUsage(ContextProtos.usage(snapshot));
        }
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty());
      stored.saveCursor(SIGNAL_CONSUMER, asOf);
    } finally {
      store.endResync();
    }
  }

  /**
   * Scoring-service no longer retains the score changes after the stored cursor: every score is
   * read again with ListScores and stored as of {@code asOf}. Decisions wait meanwhile.
   */
  void resyncScores(long asOf) {
    LOG.warning(
        () -> SCORING_CONSUMER + ": cursor past scoring-service's retention; resynchronizing");
    store.beginResync();
    try {
      String pageToken = "";
      do {
        ListScoresResponse page =
            scoring
                .withDeadlineAfter(settings.catalogDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .listScores(
                    ListScoresRequest.newBuilder()
                        .setPageSize(RESYNC_PAGE_SIZE)
                        .setPageToken(pageToken)
                        .build());
        for (Score score : page.getScoresList()) {
          Score trimmed = ContextProtos.trim(score);
          stored.replaceScore(trimmed.getAccountId(), asOf, trimmed.toByteArray());
          store.putScore(trimmed.getAccountId(), ContextProtos.score(trimmed));
        }
        pageToken = page.getNextPageToken();
      } while (!pageToken.isEmpty());
      stored.saveCursor(SCORING_CONSUMER, asOf);
    } finally {
      store.endResync();
    }
  }

  private SignalServiceGrpc.SignalServiceBlockingStub signalWithDeadline() {
    return signal.withDeadlineAfter(settings.catalogDeadline().toMillis(), TimeUnit.MILLISECONDS);
  }

  public long usagePosition() {
    return usageConsumer.position();
  }

  public long scorePosition() {
    return scoreConsumer.position();
  }

  public synchronized boolean closed() {
    return closed;
  }

  /**
   * Stops both streams; a later {@link #start()} (a rebuild finishing during shutdown) is a no-op.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    timer.shutdownNow();
    usageConsumer.close();
    scoreConsumer.close();
  }
}
