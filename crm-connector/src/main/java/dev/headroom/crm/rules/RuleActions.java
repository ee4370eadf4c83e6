package dev.headroom.crm.rules;

import dev.headroom.crm.admin.Audit;
import dev.headroom.crm.db.ActionDao;
import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/** Admin use cases on the actions workflow rules queued: their results, and replaying failures. */
public final class RuleActions {
  public record Page(List<ActionDao.ActionRow> actions, String nextPageToken) {}

  private static final OffsetDateTime END_OF_TIME = OffsetDateTime.parse("9999-12-31T00:00:00Z");

  private final Jdbi jdbi;
  private final Audit audit;
  private final Paging paging;
  private final Clock clock;

  public RuleActions(Jdbi jdbi, Audit audit, Paging paging, Clock clock) {
    this.jdbi = jdbi;
    this.audit = audit;
    this.paging = paging;
    this.clock = clock;
  }

  /**
   * A connection's actions, newest first.
   *
   * @param accountId empty for every account
   * @param statuses empty for every status
   */
  public Page list(
      String connectionId, String accountId, Set<String> statuses, int pageSize, String pageToken) {
    String scope = "rule-actions:" + connectionId + ":" + accountId + ":" + new TreeSet<>(statuses);
    PageRequest req = paging.request(scope, pageSize, pageToken);
    requireConnection(connectionId);
    OffsetDateTime beforeAt =
        req.firstPage() ? END_OF_TIME : OffsetDateTime.parse(req.after().get(0));
    String beforeKey = req.firstPage() ? "" : req.after().get(1);
    List<ActionDao.ActionRow> rows =
        jdbi.onDemand(ActionDao.class)
            .page(
                connectionId,
                accountId,
                statuses.isEmpty(),
                List.copyOf(statuses),
                beforeAt,
                beforeKey,
                req.size() + 1);
    boolean more = rows.size() > req.size();
    List<ActionDao.ActionRow> page = more ? rows.subList(0, req.size()) : rows;
    ActionDao.ActionRow last = page.isEmpty() ? null : page.get(page.size() - 1);
    return new Page(
        List.copyOf(page),
        paging.nextToken(
            scope,
            req,
            more,
            last == null ? List.of() : List.of(last.createdAt().toString(), last.actionKey())));
  }

  /**
   * Queues dead-lettered actions again with a fresh set of attempts (all of the connection's when
   * none are named) and audits it. A named action that is pending already stays as it is, so a
   * retried request changes nothing; one that is done or skipped is not replayable.
   *
   * @return the actions queued again by this call
   */
  public List<ActionDao.ActionRow> replay(
      String connectionId, List<String> actionKeys, String actor) {
    requireConnection(connectionId);
    if (!actionKeys.isEmpty()) {
      Map<String, ActionDao.ActionRow> found = new HashMap<>();
      jdbi.onDemand(ActionDao.class)
          .actions(connectionId, actionKeys)
          .forEach(a -> found.put(a.actionKey(), a));
      for (String key : actionKeys) {
        ActionDao.ActionRow a = found.get(key);
        if (a == null) {
          throw new DomainException.NotFound("rule action", key);
        }
        if (a.status().equals("DONE") || a.status().equals("SKIPPED")) {
          throw new DomainException.FailedPrecondition(
              Reason.FAILED_PRECONDITION,
              "rule action " + key + " is " + a.status() + ", not DEAD_LETTERED");
        }
      }
    }
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return jdbi.inTransaction(
        h -> {
          List<ActionDao.ActionRow> requeued =
              h.attach(ActionDao.class)
                  .requeueDeadLetters(connectionId, actionKeys.isEmpty(), actionKeys, now);
          audit.record(
              h,
              actor,
              "rule_actions.replay",
              connectionId,
              requeued.stream().map(ActionDao.ActionRow::actionKey).toList());
          return requeued;
        });
  }

  private void requireConnection(String connectionId) {
    if (jdbi.onDemand(ConnectionDao.class).find(connectionId).isEmpty()) {
      throw new DomainException.NotFound("connection", connectionId);
    }
  }
}
