package dev.headroom.crm.consume;

import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.sync.AccountValuesJson;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.ResumingConsumer;
import dev.headroom.kit.outbox.ResyncOnExpiredCursor;
import io.grpc.Channel;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Follows scoring-service's WatchScores from the stored cursor: stores each account's latest values
 * and queues the account for every enabled connection (debounced there).
 *
 * <p>Messages are applied in batches (the kit's {@link ResumingConsumer}): up to {@code
 * follower.batch-size} of them in one transaction together with the last one's cursor, as soon as
 * the stream is idle for {@code follower.idle} or the batch is {@code follower.linger} old. A
 * restart resumes after the last committed cursor, so nothing is lost, and a redelivered score is
 * older than the stored one and changes nothing. A batch that fails is retried as it is, never
 * skipped.
 *
 * <p>When scoring-service no longer retains the scores after the stored cursor, every current score
 * is read again (see {@link #resync}) before the stream resumes.
 */
public final class ScoreFollower implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ScoreFollower.class.getName());
  public static final String NAME = "crm.scoring-scores";

  /** Scoring-service's largest ListScores page: a resync reads everything in as few calls. */
  private static final int RESYNC_PAGE_SIZE = 1000;

  /** Bound of one ListScores page read; a page that times out fails the resync, which restarts. */
  private static final long RESYNC_PAGE_DEADLINE_SECONDS = 30;

  private final Jdbi jdbi;
  private final CursorStore cursors;
  private final Clock clock;
  private final ScoringServiceGrpc.ScoringServiceBlockingStub stub;
  private final ResumingConsumer<WatchScoresResponse> consumer;

  public ScoreFollower(
      Channel scoring,
      Jdbi jdbi,
      CursorStore cursors,
      Clock clock,
      Backoff backoff,
      ResumingConsumer.Settings settings) {
    this.jdbi = jdbi;
    this.cursors = cursors;
    this.clock = clock;
    this.stub = ScoringServiceGrpc.newBlockingStub(scoring);
    this.consumer =
        new ResumingConsumer<>(
            NAME,
            cursors,
            new ResyncOnExpiredCursor<>(
                cursor ->
                    stub.watchScores(
                        WatchScoresRequest.newBuilder().setAfterCursor(cursor).build()),
                this::resync),
            WatchScoresResponse::getCursor,
            this::commit,
            backoff,
            settings);
  }

  public ScoreFollower start() {
    consumer.start();
    return this;
  }

  /** The last cursor committed with its batch, or -1 before the start. */
  public long position() {
    return consumer.position();
  }

  /** One transaction: the latest values per account, their queue entries, the cursor. */
  private void commit(List<WatchScoresResponse> batch, long cursor) {
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
  }

  /**
   * Scoring-service no longer retains the scores after the stored cursor: every current score
   * (ListScores, paged) is committed as a WatchScores message at {@code asOf}, a page per
   * transaction, so changed accounts are queued for sync as for any message. The cursor reaches
   * {@code asOf} only after the last page: a resync cut short starts over, and the messages the
   * stream replays after {@code asOf} apply over it.
   */
  private void resync(long asOf) {
    LOG.warning(NAME + ": cursor past scoring-service's retention; resynchronizing every score");
    long storedCursor = cursors.load(NAME);
    int scores = 0;
    String pageToken = "";
    do {
      ListScoresResponse page =
          stub.withDeadlineAfter(RESYNC_PAGE_DEADLINE_SECONDS, TimeUnit.SECONDS)
              .listScores(
                  ListScoresRequest.newBuilder()
                      .setPageSize(RESYNC_PAGE_SIZE)
                      .setPageToken(pageToken)
                      .build());
      List<WatchScoresResponse> messages = new ArrayList<>(page.getScoresCount());
      for (Score score : page.getScoresList()) {
        messages.add(WatchScoresResponse.newBuilder().setCursor(asOf).setScore(score).build());
      }
      commit(messages, storedCursor);
      scores += messages.size();
      pageToken = page.getNextPageToken();
    } while (!pageToken.isEmpty());
    cursors.save(NAME, asOf);
    LOG.info(NAME + ": resynchronized " + scores + " scores; resuming after cursor " + asOf);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
