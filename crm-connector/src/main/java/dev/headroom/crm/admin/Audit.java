package dev.headroom.crm.admin;

import dev.headroom.crm.db.AuditDao;
import dev.headroom.crm.sync.Ids;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Who changed what, written in the same transaction as the change. */
public final class Audit {
  /** A page of entries and the token of the next one (empty at the end). */
  public record Page(List<AuditDao.AuditRow> entries, String nextPageToken) {}

  private final Jdbi jdbi;
  private final Paging paging;
  private final Clock clock;
  private final Ids ids;

  public Audit(Jdbi jdbi, Paging paging, Clock clock, Ids ids) {
    this.jdbi = jdbi;
    this.paging = paging;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * @param changedFields names of what changed; never values (credentials stay out of the trail)
   */
  public void record(
      Handle h, String actor, String action, String targetId, Collection<String> changedFields) {
    h.attach(AuditDao.class)
        .insert(
            new AuditDao.AuditRow(
                0,
                ids.next("aud-"),
                actor.isBlank() ? "unknown" : actor.strip(),
                action,
                targetId,
                String.join(",", changedFields),
                clock.instant().atOffset(ZoneOffset.UTC)));
  }

  public Page list(String targetId, int pageSize, String pageToken) {
    String scope = "audit:" + targetId;
    PageRequest req = paging.request(scope, pageSize, pageToken);
    long before = req.firstPage() ? Long.MAX_VALUE : Long.parseLong(req.after().get(0));
    List<AuditDao.AuditRow> rows =
        jdbi.onDemand(AuditDao.class).page(targetId, before, req.size() + 1);
    boolean more = rows.size() > req.size();
    List<AuditDao.AuditRow> page = more ? rows.subList(0, req.size()) : rows;
    String next =
        paging.nextToken(
            scope,
            req,
            more,
            page.isEmpty() ? List.of() : List.of(Long.toString(page.get(page.size() - 1).seq())));
    return new Page(List.copyOf(page), next);
  }
}
