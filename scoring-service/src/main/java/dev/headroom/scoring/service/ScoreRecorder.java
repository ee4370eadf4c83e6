package dev.headroom.scoring.service;

import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.scoring.db.AccountStateDao;
import dev.headroom.scoring.db.MeasuresDao;
import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.db.SignalOutcomeDao;
import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.domain.HeldSignal;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.domain.Scorer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies one upstream account change: stores the snapshot, scores it with the active model and,
 * when the score materially changed, writes a history row and a WatchScores entry, all in one
 * transaction together with the consumer's cursor. A change is applied at most once per account
 * cursor: a redelivered or older change (cursor at or below the one stored for the account) changes
 * nothing.
 */
public final class ScoreRecorder {

  public enum Applied {
    CHANGED,
    UNCHANGED,
    DUPLICATE,
    UNSCORABLE
  }

  private final Jdbi jdbi;
  private final Outbox outbox;
  private final ScoreEncoding encoding;
  private final CursorStore cursors;
  private final String consumerName;
  private final Models models;
  private final Scorer scorer = new Scorer();
  private final ScoringMetrics metrics;
  private final Clock clock;

  public ScoreRecorder(
      Jdbi jdbi,
      Outbox outbox,
      ScoreEncoding encoding,
      CursorStore cursors,
      String consumerName,
      Models models,
      ScoringMetrics metrics,
      Clock clock) {
    this.jdbi = jdbi;
    this.outbox = outbox;
    this.encoding = encoding;
    this.cursors = cursors;
    this.consumerName = consumerName;
    this.models = models;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * @param facts the snapshot mapped to facts with the current catalog; empty when it cannot be
   *     scored (the snapshot is still stored so a later re-score can pick it up)
   * @param changedAt when signal-service committed the change (for the latency metric)
   */
  public Applied apply(
      long cursor, UpstreamSnapshot snapshot, Optional<AccountFacts> facts, Instant changedAt) {
    String accountId = snapshot.accountId();
    Instant now = clock.instant();
    Result result =
        jdbi.inTransaction(
            h -> {
              AccountStateDao states = h.attach(AccountStateDao.class);
              Optional<AccountStateDao.StateRow> state = states.getForUpdate(accountId);
              if (state.isPresent() && state.get().upstreamCursor() >= cursor) {
                cursors.save(h, consumerName, cursor);
                return new Result(Applied.DUPLICATE, null);
              }
              states.upsert(
                  new AccountStateDao.StateRow(
                      accountId,
                      cursor,
                      ScoreRows.utc(snapshot.asOf()),
                      snapshot.currencyCode(),
                      snapshot.bytes(),
                      ScoreRows.utc(now)));
              RevenueHistory.record(h.attach(MeasuresDao.class), cursor, snapshot);
              if (facts.isEmpty()) {
                cursors.save(h, consumerName, cursor);
                return new Result(Applied.UNSCORABLE, null);
              }
              long version = models.activeVersionLocked(h);
              ScoreResult scored = scorer.score(facts.get(), models.model(version));
              ScoreDao scores = h.attach(ScoreDao.class);
              Optional<ScoreDao.ScoreRow> previous = scores.currentForUpdate(accountId);
              ScoreResult previousResult =
                  previous.map(p -> encoding.forComparison(p.scorePb())).orElse(null);
              boolean material = scored.materiallyDiffersFrom(previousResult);
              byte[] pbBytes = snapshot.encodeScore(scored, now);
              ScoreDao.ScoreRow row =
                  ScoreRows.row(
                      scored, previous.map(p -> p.revision() + 1).orElse(1L), pbBytes, now);
              scores.upsertCurrent(row);
              if (material) {
                scores.insertHistory(row);
              }
              SignalOutcomeDao signals = h.attach(SignalOutcomeDao.class);
              for (HeldSignal s : scored.signals()) {
                if (s.isActive()) {
                  signals.recordFired(
                      new SignalOutcomeDao.FiredRow(
                          accountId,
                          s.type().name(),
                          ScoreRows.utc(s.since()),
                          scored.score(),
                          scored.band().name(),
                          scored.motion().name()),
                      ScoreRows.utc(now));
                }
              }
              if (material) {
                // Last: appends to the stream are serialized until commit.
                outbox.append(
                    h,
                    ScoreRows.STREAM,
                    accountId,
                    encoding.watchPayload(
                        pbBytes,
                        previous.map(ScoreDao.ScoreRow::score).orElse(null),
                        ScoreRows.band(previous.map(ScoreDao.ScoreRow::band).orElse(null))));
              }
              cursors.save(h, consumerName, cursor);
              return new Result(material ? Applied.CHANGED : Applied.UNCHANGED, scored);
            });
    if (result.applied == Applied.CHANGED || result.applied == Applied.UNCHANGED) {
      metrics.computed(false, 1);
    }
    if (result.applied == Applied.CHANGED) {
      metrics.historyRows(1);
      metrics.published(1);
      metrics.changeToPublish(Duration.between(changedAt, clock.instant()));
    }
    if (result.applied == Applied.UNSCORABLE) {
      metrics.unscorable();
    }
    return result.applied;
  }

  private record Result(Applied applied, ScoreResult score) {}
}
