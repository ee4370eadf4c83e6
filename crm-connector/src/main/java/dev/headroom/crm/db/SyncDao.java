package dev.headroom.crm.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The sync engine's state: account values from scoring, the queue of accounts to send, what each
 * CRM holds, runs and per-record results.
 */
@RegisterConstructorMapper(SyncDao.AccountStateRow.class)
@RegisterConstructorMapper(SyncDao.PendingRow.class)
@RegisterConstructorMapper(SyncDao.SyncedRow.class)
@RegisterConstructorMapper(SyncDao.RunRow.class)
@RegisterConstructorMapper(SyncDao.RecordRow.class)
public interface SyncDao {

  record AccountStateRow(
      String accountId, String accountVals, long scoreCursor, OffsetDateTime updatedAt) {}

  record PendingRow(
      String connectionId,
      String accountId,
      OffsetDateTime dueAt,
      OffsetDateTime queuedAt,
      String trig,
      String runId,
      int attempts,
      String replayOf,
      long changeSeq) {}

  /** A queued account to send again at {@code dueAt}, after {@code attempts} refused sends. */
  record RetryRow(String connectionId, String accountId, int attempts, OffsetDateTime dueAt) {}

  /**
   * @param fields JSON object of CRM field to canonical value
   */
  record SyncedRow(
      String connectionId,
      String accountId,
      String crmRecordId,
      String fields,
      OffsetDateTime syncedAt) {}

  record RunRow(
      String runId,
      String connectionId,
      String trig,
      String status,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt,
      long recordsTotal,
      long recordsSucceeded,
      long recordsFailed,
      long recordsSkipped,
      long apiCalls,
      long rateLimited,
      String requestId) {}

  /**
   * @param fieldChanges JSON array of {field, old, new}
   */
  record RecordRow(
      String recordId,
      String runId,
      String connectionId,
      String accountId,
      String status,
      int attempts,
      int httpStatus,
      String errorCode,
      String errorMessage,
      String fieldChanges,
      String crmRecordId,
      OffsetDateTime updatedAt) {}

  // ---- account values

  /**
   * Stores each account's latest values; a row's count is 0 when a newer score is stored already.
   */
  @SqlBatch(
      """
      INSERT INTO account_state (account_id, account_vals, score_cursor, updated_at)
      VALUES (:accountId, CAST(:accountVals AS jsonb), :scoreCursor, :updatedAt)
      ON CONFLICT (account_id) DO UPDATE SET account_vals = EXCLUDED.account_vals,
        score_cursor = EXCLUDED.score_cursor, updated_at = EXCLUDED.updated_at
      WHERE account_state.score_cursor < EXCLUDED.score_cursor\
      """)
  int[] upsertAccounts(@BindMethods List<AccountStateRow> rows);

  @SqlQuery("SELECT * FROM account_state WHERE account_id IN (<ids>)")
  List<AccountStateRow> accounts(@BindList("ids") List<String> accountIds);

  @SqlQuery(
      "SELECT * FROM account_state WHERE account_id > :after ORDER BY account_id LIMIT :limit")
  List<AccountStateRow> accountPage(@Bind("after") String afterAccountId, @Bind("limit") int limit);

  // ---- the queue

  /**
   * Queues accounts for every enabled connection, debounced by each connection's delay (at most 10×
   * that after the first queued change, so a busy account still gets written).
   */
  @SqlBatch(
      """
      INSERT INTO pending_sync (connection_id, account_id, due_at, queued_at, trig)
      SELECT c.connection_id, :accountId, CAST(:now AS timestamptz) + c.debounce_ms * interval '1 millisecond',
        :now, 'CHANGE'
      FROM connection c WHERE c.enabled AND c.deleted_at IS NULL
      ON CONFLICT (connection_id, account_id) DO UPDATE SET
        due_at = LEAST(EXCLUDED.due_at, pending_sync.queued_at + 10 * (EXCLUDED.due_at - EXCLUDED.queued_at)),
        change_seq = pending_sync.change_seq + 1\
      """)
  void enqueueChanges(@Bind("accountId") List<String> accountIds, @Bind("now") OffsetDateTime now);

  /**
   * Queues every known account for one connection, due now (a first sync, a reconcile, a manual
   * sync, a changed mapping), and refreshes the queue's statistics in the same transaction (its own
   * rows count). Left to auto-analyze, they go on describing the queue as it was before, often
   * another connection's rows only, and plans built on them look the new connection's records up
   * through its whole range of an index, per record: a first sync crawled at a fifth of its speed
   * for the 40-50 s until auto-analyze caught up. A sampled ANALYZE of the queue takes tens of
   * milliseconds.
   */
  default int enqueueAll(String connectionId, String trigger, String runId, OffsetDateTime now) {
    int queued = insertAllAccounts(connectionId, trigger, runId, now);
    analyzeQueue();
    return queued;
  }

  /**
   * The rows of {@link #enqueueAll}. Rows are locked in account order, the order the engine's
   * transactions use too, so the two never deadlock.
   */
  @SqlUpdate(
      """
      INSERT INTO pending_sync (connection_id, account_id, due_at, queued_at, trig, run_id)
      SELECT :connectionId, account_id, :now, :now, :trig, :runId FROM account_state ORDER BY account_id
      ON CONFLICT (connection_id, account_id) DO UPDATE SET due_at = LEAST(pending_sync.due_at, EXCLUDED.due_at),
        trig = EXCLUDED.trig, run_id = EXCLUDED.run_id, change_seq = pending_sync.change_seq + 1\
      """)
  int insertAllAccounts(
      @Bind("connectionId") String connectionId,
      @Bind("trig") String trigger,
      @Bind("runId") String runId,
      @Bind("now") OffsetDateTime now);

  @SqlUpdate("ANALYZE pending_sync")
  void analyzeQueue();

  /** Queues a dead-lettered account again with a fresh attempt count. */
  @SqlUpdate(
      """
      INSERT INTO pending_sync (connection_id, account_id, due_at, queued_at, trig, run_id, replay_of)
      VALUES (:connectionId, :accountId, :now, :now, 'REPLAY', :runId, :replayOf)
      ON CONFLICT (connection_id, account_id) DO UPDATE SET due_at = EXCLUDED.due_at, trig = 'REPLAY',
        run_id = EXCLUDED.run_id, replay_of = EXCLUDED.replay_of, attempts = 0,
        change_seq = pending_sync.change_seq + 1\
      """)
  void enqueueReplay(
      @Bind("connectionId") String connectionId,
      @Bind("accountId") String accountId,
      @Bind("runId") String runId,
      @Bind("replayOf") String replayOf,
      @Bind("now") OffsetDateTime now);

  /**
   * Leases due rows until {@code leaseUntil}: a worker that dies leaves them due again then, and a
   * second worker skips rows another one holds. The rows are picked and locked in an {@code
   * ARRAY(...)} sub-select, which PostgreSQL evaluates once (as a joined sub-query with LIMIT it
   * can be re-evaluated when a concurrent enqueue updates a picked row, and then lease more than
   * {@code limit} rows, more than the CRM takes in one request), and updated by their row
   * addresses: a TID scan, whatever the planner believes of the connection's rows. Joined by key
   * instead, the update scanned every row of a connection once per picked row when the table's
   * statistics predated the connection's first sync (they counted another connection's rows only):
   * seconds per batch until the next auto-analyze. The addresses hold, since the rows stay locked
   * until the update. Accounts in {@code inFlight} are skipped: a request carrying them is on its
   * way, and a change that arrived meanwhile waits for its answer.
   */
  @SqlQuery(
      """
      UPDATE pending_sync SET due_at = :leaseUntil
      WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM pending_sync
          WHERE connection_id = :connectionId AND due_at <= :now
            AND NOT (account_id = ANY(:inFlight))
          ORDER BY due_at, account_id LIMIT :limit FOR UPDATE SKIP LOCKED))
      RETURNING *\
      """)
  List<PendingRow> claim(
      @Bind("connectionId") String connectionId,
      @Bind("now") OffsetDateTime now,
      @Bind("leaseUntil") OffsetDateTime leaseUntil,
      @Bind("limit") int limit,
      @Bind("inFlight") String[] inFlight);

  /**
   * Locks the connection's queue rows of these accounts in account order, the order the follower
   * locks them in, so the statements that then settle them one kind at a time cannot deadlock with
   * it. One primary-key lookup per account (see {@link #synced}).
   */
  @SqlQuery(
      """
      SELECT q.account_id FROM (SELECT unnest(:ids) AS account_id ORDER BY 1) k
      CROSS JOIN LATERAL (SELECT account_id FROM pending_sync
          WHERE connection_id = :connectionId AND account_id = k.account_id LIMIT 1 FOR UPDATE) q\
      """)
  List<String> lockQueued(
      @Bind("connectionId") String connectionId, @Bind("ids") String[] accountIds);

  /**
   * Done with these claimed rows, except an account whose newer change arrived while it was being
   * sent.
   */
  @SqlBatch(
      """
      DELETE FROM pending_sync
      WHERE connection_id = :connectionId AND account_id = :accountId AND change_seq = :changeSeq\
      """)
  void complete(@BindMethods List<PendingRow> claimed);

  @SqlBatch(
      """
      UPDATE pending_sync SET attempts = :attempts, due_at = :dueAt, run_id = NULL
      WHERE connection_id = :connectionId AND account_id = :accountId\
      """)
  void retryLater(@BindMethods List<RetryRow> retries);

  /**
   * When the connection's first queued record is due (a claimed one: when its lease runs out);
   * empty when none is queued. Reads the first entry of the claim index.
   */
  @SqlQuery(
      """
      SELECT due_at FROM pending_sync WHERE connection_id = :connectionId
      ORDER BY due_at LIMIT 1\
      """)
  Optional<OffsetDateTime> firstDue(@Bind("connectionId") String connectionId);

  /** Makes these queued records due at {@code now} where they were waiting for later. */
  @SqlUpdate(
      """
      UPDATE pending_sync SET due_at = :now
      WHERE connection_id = :connectionId AND account_id IN (<ids>) AND due_at > :now\
      """)
  int dueNow(
      @Bind("connectionId") String connectionId,
      @BindList("ids") List<String> accountIds,
      @Bind("now") OffsetDateTime now);

  @SqlQuery("SELECT count(*) FROM pending_sync WHERE run_id = :runId")
  long pendingOfRun(@Bind("runId") String runId);

  // ---- what the CRM holds

  /**
   * One primary-key lookup per account, whatever the planner believes: with {@code account_id IN
   * (...)} it scans every row of the connection and filters them when the table's statistics are
   * older than its growth (a first sync fills it), which cost more than the rest of a batch.
   */
  @SqlQuery(
      """
      SELECT s.* FROM unnest(:ids) AS k(account_id)
      CROSS JOIN LATERAL (SELECT * FROM synced_record
          WHERE connection_id = :connectionId AND account_id = k.account_id LIMIT 1) s\
      """)
  List<SyncedRow> synced(
      @Bind("connectionId") String connectionId, @Bind("ids") String[] accountIds);

  @SqlBatch(
      """
      INSERT INTO synced_record (connection_id, account_id, crm_record_id, fields, synced_at)
      VALUES (:connectionId, :accountId, :crmRecordId, CAST(:fields AS jsonb), :syncedAt)
      ON CONFLICT (connection_id, account_id) DO UPDATE SET crm_record_id = EXCLUDED.crm_record_id,
        fields = synced_record.fields || EXCLUDED.fields, synced_at = EXCLUDED.synced_at\
      """)
  void mergeSynced(@BindMethods List<SyncedRow> rows);

  @SqlUpdate("DELETE FROM synced_record WHERE connection_id = :connectionId")
  void forgetSynced(@Bind("connectionId") String connectionId);

  // ---- runs

  @SqlUpdate(
      """
      INSERT INTO sync_run (run_id, connection_id, trig, status, started_at, request_id)
      VALUES (:runId, :connectionId, :trig, :status, :startedAt, :requestId)
      ON CONFLICT DO NOTHING\
      """)
  int insertRun(@BindMethods RunRow row);

  @SqlQuery("SELECT * FROM sync_run WHERE run_id = :runId")
  Optional<RunRow> run(@Bind("runId") String runId);

  @SqlQuery("SELECT * FROM sync_run WHERE request_id = :requestId")
  Optional<RunRow> runByRequestId(@Bind("requestId") String requestId);

  @SqlUpdate(
      """
      UPDATE sync_run SET records_total = records_total + :total,
        records_succeeded = records_succeeded + :succeeded, records_failed = records_failed + :failed,
        records_skipped = records_skipped + :skipped, api_calls = api_calls + :calls,
        rate_limited = rate_limited + :throttled
      WHERE run_id = :runId\
      """)
  void addToRun(
      @Bind("runId") String runId,
      @Bind("total") long total,
      @Bind("succeeded") long succeeded,
      @Bind("failed") long failed,
      @Bind("skipped") long skipped,
      @Bind("calls") long calls,
      @Bind("throttled") long throttled);

  @SqlUpdate(
      """
      UPDATE sync_run SET status = CASE WHEN :failedOutright THEN 'FAILED'
          WHEN records_failed > 0 THEN 'PARTIALLY_FAILED' ELSE 'SUCCEEDED' END,
        finished_at = :at
      WHERE run_id = :runId AND finished_at IS NULL\
      """)
  void finishRun(
      @Bind("runId") String runId,
      @Bind("failedOutright") boolean failedOutright,
      @Bind("at") OffsetDateTime at);

  @SqlQuery(
      "SELECT run_id FROM sync_run WHERE connection_id = :connectionId AND finished_at IS NULL")
  List<String> unfinishedRuns(@Bind("connectionId") String connectionId);

  /** Newest first, keyset after (startedAt, runId). */
  @SqlQuery(
      """
      SELECT * FROM sync_run WHERE connection_id = :connectionId
        AND (started_at, run_id) < (:beforeStartedAt, :beforeRunId)
      ORDER BY started_at DESC, run_id DESC LIMIT :limit\
      """)
  List<RunRow> runsPage(
      @Bind("connectionId") String connectionId,
      @Bind("beforeStartedAt") OffsetDateTime beforeStartedAt,
      @Bind("beforeRunId") String beforeRunId,
      @Bind("limit") int limit);

  // ---- per-record results

  @SqlBatch(
      """
      INSERT INTO sync_record (record_id, run_id, connection_id, account_id, status, attempts, http_status,
        error_code, error_message, field_changes, crm_record_id, updated_at)
      VALUES (:recordId, :runId, :connectionId, :accountId, :status, :attempts, :httpStatus, :errorCode,
        :errorMessage, CAST(:fieldChanges AS jsonb), :crmRecordId, :updatedAt)\
      """)
  void insertRecords(@BindMethods List<RecordRow> rows);

  @SqlQuery(
      """
      SELECT * FROM sync_record WHERE run_id = :runId AND record_id > :after
        AND (:anyStatus OR status IN (<statuses>))
      ORDER BY record_id LIMIT :limit\
      """)
  List<RecordRow> recordsOfRun(
      @Bind("runId") String runId,
      @Bind("anyStatus") boolean anyStatus,
      @BindList(value = "statuses", onEmpty = BindList.EmptyHandling.NULL_STRING)
          List<String> statuses,
      @Bind("after") String afterRecordId,
      @Bind("limit") int limit);

  @SqlQuery(
      """
      SELECT * FROM sync_record WHERE connection_id = :connectionId AND status = 'DEAD_LETTERED'
        AND record_id > :after
      ORDER BY record_id LIMIT :limit\
      """)
  List<RecordRow> deadLetters(
      @Bind("connectionId") String connectionId,
      @Bind("after") String afterRecordId,
      @Bind("limit") int limit);

  @SqlQuery(
      "SELECT * FROM sync_record WHERE connection_id = :connectionId AND record_id IN (<ids>)")
  List<RecordRow> records(
      @Bind("connectionId") String connectionId, @BindList("ids") List<String> recordIds);

  /** A later successful send settles the accounts' dead letters. */
  @SqlUpdate(
      """
      UPDATE sync_record SET status = 'REPLAYED', updated_at = :at
      WHERE connection_id = :connectionId AND status = 'DEAD_LETTERED' AND account_id = ANY(:accountIds)\
      """)
  void settleDeadLetters(
      @Bind("connectionId") String connectionId,
      @Bind("accountIds") String[] accountIds,
      @Bind("at") OffsetDateTime at);

  /** Drops results older than the retention, except dead letters nobody has replayed yet. */
  @SqlUpdate(
      """
      DELETE FROM sync_record WHERE record_id IN (
        SELECT record_id FROM sync_record WHERE updated_at < :before AND status <> 'DEAD_LETTERED' LIMIT :limit)\
      """)
  int pruneRecords(@Bind("before") OffsetDateTime before, @Bind("limit") int limit);

  @SqlUpdate(
      """
      DELETE FROM sync_run WHERE finished_at < :before
        AND NOT EXISTS (SELECT 1 FROM sync_record r WHERE r.run_id = sync_run.run_id)\
      """)
  int pruneRuns(@Bind("before") OffsetDateTime before);
}
