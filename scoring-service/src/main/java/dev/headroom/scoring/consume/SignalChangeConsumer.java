package dev.headroom.scoring.consume;

import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.ChangeKind;
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
import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.mapping.SignalSnapshot;
import dev.headroom.scoring.service.ScoreRecorder;
import dev.headroom.scoring.service.Unscorable;
import io.grpc.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows signal-service's WatchAccountChanges from the stored cursor and scores every change.
 *
 * <p>Changes are applied in batches (the kit's {@link ResumingConsumer}), because a transaction per
 * change spends its time waiting for its own commit: up to {@code consumer.batch-size} of them go
 * to {@link ScoreRecorder#applyAll} once the stream has been quiet for {@code consumer.idle} or the
 * first of them waited {@code consumer.linger}. The cursor is stored in the same transaction, so a
 * restart resumes right after the last committed batch; a redelivery is recognized by the
 * per-account cursor. A batch whose transaction fails is retried as it is, never skipped.
 *
 * <p>When signal-service no longer retains the changes after the stored cursor, every account is
 * resynchronized from its current snapshot (see {@link #resync}) before the stream resumes.
 */
public final class SignalChangeConsumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SignalChangeConsumer.class.getName());
  public static final String NAME = "scoring.signal-account-changes";

  /** Signal-service's largest ListAccounts page: a resync reads everything in as few calls. */
  private static final int RESYNC_PAGE_SIZE = 1000;

  private final CatalogCache catalog;
  private final ScoreRecorder recorder;
  private final CursorStore cursors;
  private final SignalServiceGrpc.SignalServiceBlockingStub stub;
  private final Duration signalDeadline;
  private final Clock clock;
  private final ResumingConsumer<WatchAccountChangesResponse> consumer;

  public SignalChangeConsumer(
      Channel signal,
      CursorStore cursors,
      CatalogCache catalog,
      ScoreRecorder recorder,
      Backoff backoff,
      ResumingConsumer.Settings settings,
      Duration signalDeadline,
      Clock clock) {
    this.catalog = catalog;
    this.recorder = recorder;
    this.cursors = cursors;
    this.stub = SignalServiceGrpc.newBlockingStub(signal);
    this.signalDeadline = signalDeadline;
    this.clock = clock;
    this.consumer =
        new ResumingConsumer<>(
            NAME,
            cursors,
            new ResyncOnExpiredCursor<>(
                cursor ->
                    stub.watchAccountChanges(
                        WatchAccountChangesRequest.newBuilder().setAfterCursor(cursor).build()),
                this::resync),
            WatchAccountChangesResponse::getCursor,
            this::apply,
            backoff,
            settings);
  }

  public SignalChangeConsumer start() {
    consumer.start();
    return this;
  }

  /** The last upstream cursor saved. */
  public long position() {
    return consumer.position();
  }

  private void apply(List<WatchAccountChangesResponse> batch, long through) {
    List<ScoreRecorder.Change> changes = new ArrayList<>(batch.size());
    for (WatchAccountChangesResponse change : batch) {
      if (change.hasSnapshot()) {
        changes.add(toChange(change));
      }
    }
    recorder.applyAll(changes, through);
  }

  /**
   * Signal-service no longer retains the changes after the stored cursor: every account's current
   * snapshot (ListAccounts, then GetUsageSnapshot per account) is applied as a change at {@code
   * asOf}, a page of accounts per transaction, so scores are recomputed, stored and published as
   * for any change. The consumer's cursor reaches {@code asOf} only after the last page: a resync
   * cut short starts over, and the changes the stream replays after {@code asOf} apply over it.
   */
  private void resync(long asOf) {
    LOG.warning(NAME + ": cursor past signal-service's retention; resynchronizing every account");
    long storedCursor = cursors.load(NAME);
    catalog.refresh();
    int accounts = 0;
    String pageToken = "";
    do {
      ListAccountsResponse page =
          signal()
              .listAccounts(
                  ListAccountsRequest.newBuilder()
                      .setPageSize(RESYNC_PAGE_SIZE)
                      .setPageToken(pageToken)
                      .build());
      List<WatchAccountChangesResponse> snapshots = new ArrayList<>(page.getAccountsCount());
      for (Account account : page.getAccountsList()) {
        snapshots.add(
            WatchAccountChangesResponse.newBuilder()
                .setCursor(asOf)
                .setSnapshot(
                    signal()
                        .getUsageSnapshot(
                            GetUsageSnapshotRequest.newBuilder()
                                .setAccountId(account.getAccountId())
                                .build())
                        .getSnapshot())
                .setChangedAt(ScoreProtos.ts(clock.instant()))
                .build());
      }
      apply(snapshots, storedCursor);
      accounts += snapshots.size();
      pageToken = page.getNextPageToken();
    } while (!pageToken.isEmpty());
    cursors.save(NAME, asOf);
    LOG.info(NAME + ": resynchronized " + accounts + " accounts; resuming after cursor " + asOf);
  }

  private SignalServiceGrpc.SignalServiceBlockingStub signal() {
    return stub.withDeadlineAfter(signalDeadline.toMillis(), TimeUnit.MILLISECONDS);
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

  @Override
  public void close() {
    consumer.close();
  }
}
