package dev.headroom.scoring.consume;

import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.ResumingConsumer;
import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.mapping.SignalSnapshot;
import dev.headroom.scoring.service.ScoreRecorder;
import dev.headroom.scoring.service.Unscorable;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows signal-service's WatchAccountChanges through the kit's {@link ResumingConsumer} and
 * scores every change. The cursor is stored in this service's {@code consumer_cursor} table in the
 * same transaction as the score, so a restart resumes exactly after the last applied change; a
 * redelivery is recognized by the per-account cursor.
 */
public final class SignalChangeConsumer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SignalChangeConsumer.class.getName());
  public static final String NAME = "scoring.signal-account-changes";

  private final ResumingConsumer<WatchAccountChangesResponse> consumer;
  private final CatalogCache catalog;
  private final ScoreRecorder recorder;

  public SignalChangeConsumer(
      Channel signal,
      CursorStore cursors,
      CatalogCache catalog,
      ScoreRecorder recorder,
      Backoff backoff) {
    this.catalog = catalog;
    this.recorder = recorder;
    SignalServiceGrpc.SignalServiceBlockingStub stub = SignalServiceGrpc.newBlockingStub(signal);
    this.consumer =
        new ResumingConsumer<>(
            NAME,
            cursors,
            cursor ->
                stub.watchAccountChanges(
                    WatchAccountChangesRequest.newBuilder().setAfterCursor(cursor).build()),
            WatchAccountChangesResponse::getCursor,
            this::handle,
            backoff);
  }

  public SignalChangeConsumer start() {
    consumer.start();
    return this;
  }

  /** The last upstream cursor saved. */
  public long position() {
    return consumer.position();
  }

  void handle(WatchAccountChangesResponse change) {
    if (!change.hasSnapshot()) {
      return;
    }
    if (change.getKind() == ChangeKind.CHANGE_KIND_ACCOUNT) {
      // Subscriptions may point at plans added since the last read.
      catalog.refreshIfOlderThan(Duration.ofMillis(200));
    }
    SignalSnapshot snapshot = new SignalSnapshot(change.getSnapshot());
    Optional<AccountFacts> facts = map(snapshot);
    recorder.apply(change.getCursor(), snapshot, facts, ScoreProtos.instant(change.getChangedAt()));
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
