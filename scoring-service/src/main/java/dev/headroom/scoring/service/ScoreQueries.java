package dev.headroom.scoring.service;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads of current scores and their history; scores are returned encoded, as stored and published.
 */
public final class ScoreQueries {
  private final Jdbi jdbi;
  private final Paging paging;

  public ScoreQueries(Jdbi jdbi, Paging paging) {
    this.jdbi = jdbi;
    this.paging = paging;
  }

  public record Page(List<byte[]> scores, String nextPageToken) {}

  /** A validated pipeline filter; empty sets mean "any". */
  public record Filter(
      Set<ReadinessBand> bands,
      Set<ExpansionType> types,
      Set<RecommendedMotion> motions,
      int minScore) {
    /**
     * The filter in a canonical form, signed into page tokens so a token only continues its own
     * query.
     */
    String scope() {
      return "ListScores|"
          + new TreeSet<>(bands)
          + "|"
          + new TreeSet<>(types)
          + "|"
          + new TreeSet<>(motions)
          + "|"
          + minScore;
    }
  }

  public byte[] get(String accountId) {
    return jdbi.withExtension(ScoreDao.class, d -> d.current(accountId))
        .map(ScoreDao.ScoreRow::scorePb)
        .orElseThrow(() -> new DomainException.NotFound("score", accountId));
  }

  public Page list(Filter f, int pageSize, String pageToken) {
    String scope = f.scope();
    PageRequest page = paging.request(scope, pageSize, pageToken);
    int afterScore = page.firstPage() ? 0 : Integer.parseInt(page.after().get(0));
    String afterId = page.firstPage() ? "" : page.after().get(1);
    int mask = 0;
    for (ExpansionType t : f.types()) {
      mask |= t.maskBit();
    }
    String[] bands = f.bands().stream().map(Enum::name).toArray(String[]::new);
    String[] motions = f.motions().stream().map(Enum::name).toArray(String[]::new);
    int typesMask = mask;
    List<ScoreDao.RankedRow> rows =
        jdbi.withExtension(
            ScoreDao.class,
            d ->
                d.rank(
                    f.minScore(),
                    bands,
                    motions,
                    typesMask,
                    page.firstPage(),
                    afterScore,
                    afterId,
                    page.size() + 1));
    boolean more = rows.size() > page.size();
    List<ScoreDao.RankedRow> shown = more ? rows.subList(0, page.size()) : rows;
    ScoreDao.RankedRow last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
    return new Page(
        shown.stream().map(ScoreDao.RankedRow::scorePb).collect(Collectors.toList()),
        paging.nextToken(
            scope,
            page,
            more,
            last == null ? List.of() : List.of(Integer.toString(last.score()), last.accountId())));
  }

  public Page history(String accountId, int pageSize, String pageToken) {
    String scope = "ListScoreHistory|" + accountId;
    PageRequest page = paging.request(scope, pageSize, pageToken);
    long before = page.firstPage() ? Long.MAX_VALUE : Long.parseLong(page.after().get(0));
    List<ScoreDao.HistoryEntry> rows =
        jdbi.withHandle(
            h -> {
              ScoreDao d = h.attach(ScoreDao.class);
              if (page.firstPage() && d.current(accountId).isEmpty() && !d.hasHistory(accountId)) {
                throw new DomainException.NotFound("account", accountId);
              }
              return d.history(accountId, before, page.size() + 1);
            });
    boolean more = rows.size() > page.size();
    List<ScoreDao.HistoryEntry> shown = more ? rows.subList(0, page.size()) : rows;
    ScoreDao.HistoryEntry last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
    return new Page(
        shown.stream().map(ScoreDao.HistoryEntry::scorePb).collect(Collectors.toList()),
        paging.nextToken(
            scope, page, more, last == null ? List.of() : List.of(Long.toString(last.id()))));
  }
}
