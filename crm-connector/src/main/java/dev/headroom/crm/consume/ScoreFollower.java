package dev.headroom.crm.consume;

import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.sync.AccountValuesJson;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.ResumingConsumer;
import io.grpc.Channel;
import java.time.Clock;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;

/**
 * Follows scoring-service's WatchScores from the stored cursor: stores each account's latest values
 * and queues the account for every enabled connection (debounced there), with the cursor saved in
 * the same transaction, so a restart neither loses nor double-queues a change.
 */
public final class ScoreFollower implements AutoCloseable {
  public static final String NAME = "crm.scoring-scores";

  private final ResumingConsumer<WatchScoresResponse> consumer;
  private final Jdbi jdbi;
  private final CursorStore cursors;
  private final Clock clock;

  public ScoreFollower(
      Channel scoring, Jdbi jdbi, CursorStore cursors, Clock clock, Backoff backoff) {
    this.jdbi = jdbi;
    this.cursors = cursors;
    this.clock = clock;
    ScoringServiceGrpc.ScoringServiceBlockingStub stub =
        ScoringServiceGrpc.newBlockingStub(scoring);
    this.consumer =
        new ResumingConsumer<>(
            NAME,
            cursors,
            cursor ->
                stub.watchScores(WatchScoresRequest.newBuilder().setAfterCursor(cursor).build()),
            WatchScoresResponse::getCursor,
            this::handle,
            backoff);
  }

  public ScoreFollower start() {
    consumer.start();
    return this;
  }

  public long position() {
    return consumer.position();
  }

  void handle(WatchScoresResponse change) {
    if (!change.hasScore()) {
      return;
    }
    var values = ScoreValues.from(change.getScore());
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    jdbi.useTransaction(
        h -> {
          SyncDao dao = h.attach(SyncDao.class);
          int stored =
              dao.upsertAccount(
                  new SyncDao.AccountStateRow(
                      values.accountId(),
                      AccountValuesJson.write(values),
                      change.getCursor(),
                      now));
          if (stored > 0) {
            dao.enqueueChange(values.accountId(), now);
          }
          cursors.save(h, NAME, change.getCursor());
        });
  }

  @Override
  public void close() {
    consumer.close();
  }
}
