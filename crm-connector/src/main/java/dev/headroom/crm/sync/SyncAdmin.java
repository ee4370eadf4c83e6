package dev.headroom.crm.sync;

import dev.headroom.crm.admin.Audit;
import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.FieldMapping;
import dev.headroom.crm.rules.Rules;
import dev.headroom.crm.rules.WorkflowRule;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Admin use cases on syncs: trigger, preview, runs, per-record results and replay. */
public final class SyncAdmin {
  /**
   * One account a sync would change, field by field.
   *
   * @param actions what the connection's workflow rules do for this account, e.g. "CREATE_TASK
   *     Usage review call"
   */
  public record PreviewChange(
      String accountId, String crmRecordId, List<FieldChange> changes, List<String> actions) {}

  public record Preview(List<PreviewChange> changes, long totalChanges) {}

  public record RunPage(List<SyncDao.RunRow> runs, String nextPageToken) {}

  public record RecordPage(List<SyncDao.RecordRow> records, String nextPageToken) {}

  private static final int PREVIEW_SCAN = 1000;

  private final Jdbi jdbi;
  private final Rules rules;
  private final Audit audit;
  private final Paging paging;
  private final Clock clock;
  private final Ids ids;

  public SyncAdmin(Jdbi jdbi, Rules rules, Audit audit, Paging paging, Clock clock, Ids ids) {
    this.jdbi = jdbi;
    this.rules = rules;
    this.audit = audit;
    this.paging = paging;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * Queues every account for a manual run; {@code fullReconcile} also forgets what the CRM was sent
   * before, so every mapped field is written again (repairs edits made in the CRM).
   */
  public SyncDao.RunRow trigger(
      String connectionId, boolean fullReconcile, String actor, String requestId) {
    ConnectionDao.ConnectionRow c = connection(connectionId);
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    if (!requestId.isEmpty()) {
      Optional<SyncDao.RunRow> earlier = dao.runByRequestId(requestId);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    if (!c.enabled()) {
      throw new DomainException.FailedPrecondition(
          Reason.FAILED_PRECONDITION,
          "connection " + connectionId + " is disabled; enable it first");
    }
    for (String runId : dao.unfinishedRuns(connectionId)) {
      Optional<SyncDao.RunRow> run = dao.run(runId);
      if (run.isPresent() && run.get().trig().equals("MANUAL")) {
        throw new DomainException.FailedPrecondition(
            Reason.FAILED_PRECONDITION, "manual run " + runId + " is still in progress");
      }
    }
    String runId = ids.next("run-");
    Instant now = clock.instant();
    jdbi.useTransaction(
        h -> {
          SyncDao tx = h.attach(SyncDao.class);
          tx.insertRun(
              SyncEngine.newRun(runId, connectionId, "MANUAL", nullIfEmpty(requestId), now));
          if (fullReconcile) {
            tx.forgetSynced(connectionId);
          }
          tx.enqueueAll(connectionId, "MANUAL", runId, SyncEngine.utc(now));
          audit.record(
              h,
              actor,
              fullReconcile ? "sync.full_reconcile" : "sync.trigger",
              connectionId,
              List.of());
        });
    return dao.run(runId).orElseThrow();
  }

  /** What a sync would send now, without writing anything anywhere. */
  public Preview preview(String connectionId, List<String> accountIds, int pageSize) {
    if (pageSize < 0 || pageSize > 1000) {
      throw DomainException.InvalidArgument.of("page_size", "1-1000, or 0 for 100");
    }
    int limit = pageSize == 0 ? 100 : pageSize;
    connection(connectionId);
    List<FieldMapping> mappings =
        Connections.mappings(jdbi.onDemand(ConnectionDao.class), connectionId);
    List<WorkflowRule> connectionRules = rules.forConnection(connectionId);
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    List<PreviewChange> shown = new ArrayList<>();
    long total = 0;
    if (!accountIds.isEmpty()) {
      total +=
          previewOf(
              dao, connectionId, mappings, connectionRules, dao.accounts(accountIds), shown, limit);
    } else {
      String after = "";
      while (true) {
        List<SyncDao.AccountStateRow> page = dao.accountPage(after, PREVIEW_SCAN);
        if (page.isEmpty()) {
          break;
        }
        total += previewOf(dao, connectionId, mappings, connectionRules, page, shown, limit);
        after = page.get(page.size() - 1).accountId();
      }
    }
    return new Preview(List.copyOf(shown), total);
  }

  private static long previewOf(
      SyncDao dao,
      String connectionId,
      List<FieldMapping> mappings,
      List<WorkflowRule> connectionRules,
      List<SyncDao.AccountStateRow> accounts,
      List<PreviewChange> shown,
      int limit) {
    Map<String, SyncDao.SyncedRow> synced = new HashMap<>();
    if (!accounts.isEmpty()) {
      dao.synced(
              connectionId,
              accounts.stream().map(SyncDao.AccountStateRow::accountId).toArray(String[]::new))
          .forEach(s -> synced.put(s.accountId(), s));
    }
    long changed = 0;
    for (SyncDao.AccountStateRow a : accounts) {
      AccountValues v = AccountValuesJson.read(a.accountVals());
      SyncDao.SyncedRow s = synced.get(a.accountId());
      Diff diff =
          Diff.of(
              SyncEngine.desired(v, mappings, connectionRules),
              s == null ? Map.of() : SyncEngine.fields(s.fields()),
              s != null);
      if (!diff.isEmpty()) {
        changed++;
        if (shown.size() < limit) {
          shown.add(
              new PreviewChange(
                  a.accountId(),
                  s == null ? "" : s.crmRecordId(),
                  diff.changes(),
                  OpportunityPlanner.actions(connectionRules, v)));
        }
      }
    }
    return changed;
  }

  public RunPage runs(String connectionId, int pageSize, String pageToken) {
    String scope = "runs:" + connectionId;
    PageRequest req = paging.request(scope, pageSize, pageToken);
    connection(connectionId);
    OffsetDateTime beforeAt =
        req.firstPage()
            ? OffsetDateTime.parse("9999-12-31T00:00:00Z")
            : OffsetDateTime.parse(req.after().get(0));
    String beforeId = req.firstPage() ? "~" : req.after().get(1);
    List<SyncDao.RunRow> rows =
        jdbi.onDemand(SyncDao.class).runsPage(connectionId, beforeAt, beforeId, req.size() + 1);
    boolean more = rows.size() > req.size();
    List<SyncDao.RunRow> page = more ? rows.subList(0, req.size()) : rows;
    SyncDao.RunRow last = page.isEmpty() ? null : page.get(page.size() - 1);
    return new RunPage(
        List.copyOf(page),
        paging.nextToken(
            scope,
            req,
            more,
            last == null ? List.of() : List.of(last.startedAt().toString(), last.runId())));
  }

  /** A run's records (optionally of some statuses), or a connection's dead letters. */
  public RecordPage records(
      String runId, String connectionId, Set<String> statuses, int pageSize, String pageToken) {
    if (runId.isEmpty() && connectionId.isEmpty()) {
      throw DomainException.InvalidArgument.of(
          "run_id", "give a run_id, or a connection_id for its dead letters");
    }
    String scope =
        "records:" + runId + ":" + connectionId + ":" + new java.util.TreeSet<>(statuses);
    PageRequest req = paging.request(scope, pageSize, pageToken);
    String after = req.firstPage() ? "" : req.after().get(0);
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    List<SyncDao.RecordRow> rows;
    if (!runId.isEmpty()) {
      if (dao.run(runId).isEmpty()) {
        throw new DomainException.NotFound("run", runId);
      }
      rows =
          dao.recordsOfRun(runId, statuses.isEmpty(), List.copyOf(statuses), after, req.size() + 1);
    } else {
      connection(connectionId);
      rows = dao.deadLetters(connectionId, after, req.size() + 1);
    }
    boolean more = rows.size() > req.size();
    List<SyncDao.RecordRow> page = more ? rows.subList(0, req.size()) : rows;
    return new RecordPage(
        List.copyOf(page),
        paging.nextToken(
            scope,
            req,
            more,
            page.isEmpty() ? List.of() : List.of(page.get(page.size() - 1).recordId())));
  }

  /** Queues dead-lettered records again (all of the connection's when none are named). */
  public SyncDao.RunRow replay(
      String connectionId, List<String> recordIds, String actor, String requestId) {
    connection(connectionId);
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    if (!requestId.isEmpty()) {
      Optional<SyncDao.RunRow> earlier = dao.runByRequestId(requestId);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    List<SyncDao.RecordRow> toReplay = new ArrayList<>();
    if (recordIds.isEmpty()) {
      String after = "";
      while (true) {
        List<SyncDao.RecordRow> page = dao.deadLetters(connectionId, after, 1000);
        if (page.isEmpty()) {
          break;
        }
        toReplay.addAll(page);
        after = page.get(page.size() - 1).recordId();
      }
    } else {
      Map<String, SyncDao.RecordRow> found = new HashMap<>();
      dao.records(connectionId, recordIds).forEach(r -> found.put(r.recordId(), r));
      for (int i = 0; i < recordIds.size(); i++) {
        SyncDao.RecordRow r = found.get(recordIds.get(i));
        if (r == null) {
          throw new DomainException.NotFound("sync record", recordIds.get(i));
        }
        if (!r.status().equals("DEAD_LETTERED")) {
          throw new DomainException.FailedPrecondition(
              Reason.FAILED_PRECONDITION,
              "record " + r.recordId() + " is " + r.status() + ", not DEAD_LETTERED");
        }
        toReplay.add(r);
      }
    }
    String runId = ids.next("run-");
    Instant now = clock.instant();
    jdbi.useTransaction(
        h -> {
          SyncDao tx = h.attach(SyncDao.class);
          tx.insertRun(
              SyncEngine.newRun(runId, connectionId, "REPLAY", nullIfEmpty(requestId), now));
          for (SyncDao.RecordRow r : toReplay) {
            tx.enqueueReplay(connectionId, r.accountId(), runId, r.recordId(), SyncEngine.utc(now));
          }
          audit.record(
              h,
              actor,
              "records.replay",
              connectionId,
              toReplay.stream().map(SyncDao.RecordRow::recordId).toList());
        });
    return dao.run(runId).orElseThrow();
  }

  private ConnectionDao.ConnectionRow connection(String connectionId) {
    return jdbi.onDemand(ConnectionDao.class)
        .find(connectionId)
        .orElseThrow(() -> new DomainException.NotFound("connection", connectionId));
  }

  private static String nullIfEmpty(String s) {
    return s.isEmpty() ? null : s;
  }
}
