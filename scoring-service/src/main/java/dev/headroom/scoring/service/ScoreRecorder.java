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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies upstream account changes: stores each snapshot, scores it with the active model and, when
 * the score materially changed, writes a history row and a WatchScores entry. A batch of changes
 * commits in one transaction together with the consumer's cursor, with the same outcome as applying
 * them one by one. A change is applied at most once per account cursor: a redelivered or older
 * change (cursor at or below the one stored for the account) changes nothing.
 */
public final class ScoreRecorder {

  public enum Applied {
    CHANGED,
    UNCHANGED,
    DUPLICATE,
    UNSCORABLE
  }

  /**
   * One upstream change.
   *
   * @param facts the snapshot mapped to facts with the current catalog; empty when it cannot be
   *     scored (the snapshot is still stored so a later re-score can pick it up)
   * @param changedAt when signal-service committed the change (for the latency metric)
   */
  public record Change(
      long cursor, UpstreamSnapshot snapshot, Optional<AccountFacts> facts, Instant changedAt) {}

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
   * Applies changes in upstream order in one transaction and saves {@code throughCursor} (the last
   * upstream cursor the batch covers, which may lie past its last change) as the consumer's cursor.
   * Accounts are locked in account id order (their stored snapshots, then their current scores), so
   * concurrent batches and the re-scorer never wait on each other in a cycle. The batch's accounts
   * are locked, read and written with one statement each, not one per account: the consumer's
   * single writer spends its time in round trips to the database.
   *
   * @return what happened to each change, in the order of {@code changes}
   */
  public List<Applied> applyAll(List<Change> changes, long throughCursor) {
    Map<String, List<Integer>> byAccount = new TreeMap<>();
    for (int i = 0; i < changes.size(); i++) {
      byAccount
          .computeIfAbsent(changes.get(i).snapshot().accountId(), a -> new ArrayList<>())
          .add(i);
    }
    Instant now = clock.instant();
    Applied[] applied =
        jdbi.inTransaction(
            h -> {
              Applied[] outcome = new Applied[changes.size()];
              List<Publication> publications = new ArrayList<>();
              Daos daos = Daos.of(h);
              Map<String, Long> stored = new HashMap<>();
              for (AccountStateDao.CursorRow r :
                  daos.states().cursorsForUpdate(byAccount.keySet().toArray(String[]::new))) {
                stored.put(r.accountId(), r.upstreamCursor());
              }
              List<AccountStateDao.StateRow> newest = new ArrayList<>();
              Map<String, List<Integer>> toScore = new TreeMap<>();
              for (Map.Entry<String, List<Integer>> account : byAccount.entrySet()) {
                String accountId = account.getKey();
                List<Integer> fresh =
                    storeSnapshots(
                        daos.measures(),
                        stored.getOrDefault(accountId, -1L),
                        account.getValue(),
                        changes,
                        outcome);
                if (!fresh.isEmpty()) {
                  newest.add(stateRow(accountId, changes.get(fresh.get(fresh.size() - 1)), now));
                }
                if (fresh.stream().anyMatch(i -> changes.get(i).facts().isPresent())) {
                  toScore.put(accountId, fresh);
                }
              }
              if (!newest.isEmpty()) {
                daos.states().upsertAll(newest);
              }
              if (!toScore.isEmpty()) {
                long version = models.activeVersionLocked(h);
                Map<String, ScoreDao.ScoreRow> previous = new HashMap<>();
                for (ScoreDao.ScoreRow r :
                    daos.scores().currentForUpdate(toScore.keySet().toArray(String[]::new))) {
                  previous.put(r.accountId(), r);
                }
                List<ScoreDao.ScoreRow> current = new ArrayList<>(toScore.size());
                toScore.forEach(
                    (accountId, fresh) ->
                        current.add(
                            score(
                                daos,
                                accountId,
                                Optional.ofNullable(previous.get(accountId)),
                                fresh,
                                changes,
                                version,
                                now,
                                outcome,
                                publications)));
                daos.scores().upsertCurrent(current);
              }
              // Last: appends to the stream are serialized until commit. Upstream order, as one by
              // one.
              publications.sort(Comparator.comparingLong(Publication::cursor));
              outbox.appendAll(
                  h, ScoreRows.STREAM, publications.stream().map(Publication::entry).toList());
              cursors.save(h, consumerName, throughCursor);
              return outcome;
            });
    Instant committed = clock.instant();
    for (int i = 0; i < applied.length; i++) {
      count(applied[i], changes.get(i).changedAt(), committed);
    }
    return List.of(applied);
  }

  /**
   * Skips duplicates (changes at or below the account's stored cursor) and records each fresh
   * change's revenue point in order.
   *
   * @return the indexes of the fresh changes, in upstream order
   */
  private static List<Integer> storeSnapshots(
      MeasuresDao measures,
      long stored,
      List<Integer> indexes,
      List<Change> changes,
      Applied[] outcome) {
    List<Integer> fresh = new ArrayList<>();
    long cursor = stored;
    for (int i : indexes) {
      Change c = changes.get(i);
      if (c.cursor() <= cursor) {
        outcome[i] = Applied.DUPLICATE;
        continue;
      }
      cursor = c.cursor();
      fresh.add(i);
      // Every point, not only the newest: an intermediate ARR is part of the history.
      RevenueHistory.record(measures, c.cursor(), c.snapshot());
      outcome[i] = Applied.UNSCORABLE;
    }
    return fresh;
  }

  /** The account's stored snapshot after {@code newest}, its newest fresh change. */
  private static AccountStateDao.StateRow stateRow(String accountId, Change newest, Instant now) {
    return new AccountStateDao.StateRow(
        accountId,
        newest.cursor(),
        ScoreRows.utc(newest.snapshot().asOf()),
        newest.snapshot().currencyCode(),
        newest.snapshot().bytes(),
        ScoreRows.utc(now));
  }

  /**
   * Scores the account's fresh scorable changes in order, each compared with the one before it (the
   * stored score for the first).
   *
   * @return the account's new current row
   */
  private ScoreDao.ScoreRow score(
      Daos daos,
      String accountId,
      Optional<ScoreDao.ScoreRow> stored,
      List<Integer> fresh,
      List<Change> changes,
      long version,
      Instant now,
      Applied[] outcome,
      List<Publication> publications) {
    ScoreDao scores = daos.scores();
    SignalOutcomeDao signals = daos.signals();
    Optional<ScoreDao.ScoreRow> previous = stored;
    ScoreDao.ScoreRow current = null;
    for (int i : fresh) {
      Change c = changes.get(i);
      if (c.facts().isEmpty()) {
        continue;
      }
      ScoreResult scored = scorer.score(c.facts().get(), models.model(version));
      ScoreResult previousResult =
          previous.map(p -> encoding.forComparison(p.scorePb())).orElse(null);
      boolean material = scored.materiallyDiffersFrom(previousResult);
      byte[] pbBytes = c.snapshot().encodeScore(scored, now);
      current = ScoreRows.row(scored, previous.map(p -> p.revision() + 1).orElse(1L), pbBytes, now);
      if (material) {
        scores.insertHistory(current);
        publications.add(
            new Publication(
                c.cursor(),
                new Outbox.NewEntry(
                    accountId,
                    encoding.watchPayload(
                        pbBytes,
                        previous.map(ScoreDao.ScoreRow::score).orElse(null),
                        ScoreRows.band(previous.map(ScoreDao.ScoreRow::band).orElse(null))))));
      }
      for (HeldSignal s : scored.signals()) {
        if (s.isActive() && !heldActive(previousResult, s)) {
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
      outcome[i] = material ? Applied.CHANGED : Applied.UNCHANGED;
      previous = Optional.of(current);
    }
    return current;
  }

  /**
   * Whether {@code previous} held the same occurrence (type and since) active: it was recorded as
   * fired when that score was stored, and recording it again would change nothing.
   */
  private static boolean heldActive(ScoreResult previous, HeldSignal signal) {
    if (previous == null) {
      return false;
    }
    for (HeldSignal p : previous.signals()) {
      if (p.isActive() && p.type() == signal.type() && p.since().equals(signal.since())) {
        return true;
      }
    }
    return false;
  }

  private void count(Applied applied, Instant changedAt, Instant committed) {
    switch (applied) {
      case CHANGED -> {
        metrics.computed(false, 1);
        metrics.historyRows(1);
        metrics.published(1);
        metrics.changeToPublish(Duration.between(changedAt, committed));
      }
      case UNCHANGED -> metrics.computed(false, 1);
      case UNSCORABLE -> metrics.unscorable();
      case DUPLICATE -> {}
    }
  }

  /**
   * The DAOs of one batch's transaction, attached once for all its accounts: attaching builds a
   * handler per DAO method with its own copy of the configuration, which costs more than applying a
   * typical change.
   */
  private record Daos(
      AccountStateDao states, MeasuresDao measures, ScoreDao scores, SignalOutcomeDao signals) {
    static Daos of(Handle h) {
      return new Daos(
          h.attach(AccountStateDao.class),
          h.attach(MeasuresDao.class),
          h.attach(ScoreDao.class),
          h.attach(SignalOutcomeDao.class));
    }
  }

  /** A WatchScores entry, kept until the end of the transaction. */
  private record Publication(long cursor, Outbox.NewEntry entry) {}
}
