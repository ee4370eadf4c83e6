package dev.headroom.crm.db;

import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Rule firings per account and the actions they queued (alerts, enrolments, tasks). */
@RegisterConstructorMapper(ActionDao.FiringRow.class)
@RegisterConstructorMapper(ActionDao.ActionRow.class)
public interface ActionDao {

  record FiringRow(
      String connectionId,
      String ruleId,
      String accountId,
      int firing,
      boolean holding,
      OffsetDateTime changedAt) {}

  /**
   * @param sent true once a request for it may have reached the CRM
   */
  record ActionRow(
      String connectionId,
      String actionKey,
      String ruleId,
      String accountId,
      String actionType,
      String target,
      String status,
      int attempts,
      boolean sent,
      OffsetDateTime dueAt,
      String crmId,
      String detail,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt) {}

  /**
   * Locked in account order, the order the sync engine's transactions lock queue rows in: one
   * primary-key lookup per account and rule (see {@link SyncDao#synced}).
   */
  @SqlQuery(
      """
      SELECT f.* FROM (SELECT a, r FROM unnest(:ids) AS a, unnest(:rules) AS r ORDER BY a, r) k
      CROSS JOIN LATERAL (SELECT * FROM rule_firing
          WHERE connection_id = :connectionId AND rule_id = k.r AND account_id = k.a
          LIMIT 1 FOR UPDATE) f\
      """)
  List<FiringRow> firings(
      @Bind("connectionId") String connectionId,
      @Bind("rules") String[] ruleIds,
      @Bind("ids") String[] accountIds);

  @SqlBatch(
      """
      INSERT INTO rule_firing (connection_id, rule_id, account_id, firing, holding, changed_at)
      VALUES (:connectionId, :ruleId, :accountId, :firing, :holding, :changedAt)
      ON CONFLICT (connection_id, rule_id, account_id) DO UPDATE SET firing = EXCLUDED.firing,
        holding = EXCLUDED.holding, changed_at = EXCLUDED.changed_at\
      """)
  void saveFirings(@BindMethods List<FiringRow> rows);

  /** An action that exists already (the same firing evaluated twice) is left as it is. */
  @SqlBatch(
      """
      INSERT INTO rule_action (connection_id, action_key, rule_id, account_id, action_type, target, status,
        attempts, sent, due_at, crm_id, detail, created_at, updated_at)
      VALUES (:connectionId, :actionKey, :ruleId, :accountId, :actionType, :target, :status, :attempts,
        :sent, :dueAt, :crmId, :detail, :createdAt, :updatedAt)
      ON CONFLICT DO NOTHING\
      """)
  void insertActions(@BindMethods List<ActionRow> rows);

  /**
   * Per account, the latest action of this type the rule carried out (or queued) since then: one
   * index lookup per account (see {@link SyncDao#synced}).
   */
  @SqlQuery(
      """
      SELECT r.* FROM unnest(:ids) AS k(account_id)
      CROSS JOIN LATERAL (SELECT * FROM rule_action
          WHERE connection_id = :connectionId AND rule_id = :ruleId AND account_id = k.account_id
            AND action_type = :type AND status IN ('PENDING', 'DONE') AND created_at > :since
          ORDER BY created_at DESC LIMIT 1) r\
      """)
  List<ActionRow> recent(
      @Bind("connectionId") String connectionId,
      @Bind("ruleId") String ruleId,
      @Bind("ids") String[] accountIds,
      @Bind("type") String actionType,
      @Bind("since") OffsetDateTime since);

  /**
   * Leases due actions until {@code leaseUntil}, like the sync queue (and by row address for the
   * same reasons, see {@link SyncDao#claim}), all of one type: the type of the action due first, so
   * no type waits behind another, and a batch fills one batch request of its type (a mixed batch
   * would split the CRM's batch size between tasks and enrolments).
   */
  @SqlQuery(
      """
      UPDATE rule_action SET due_at = :leaseUntil
      WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM rule_action
          WHERE connection_id = :connectionId AND status = 'PENDING' AND due_at <= :now
            AND action_type = (SELECT action_type FROM rule_action
                WHERE connection_id = :connectionId AND status = 'PENDING' AND due_at <= :now
                ORDER BY due_at, action_key LIMIT 1)
          ORDER BY due_at, action_key LIMIT :limit FOR UPDATE SKIP LOCKED))
      RETURNING *\
      """)
  List<ActionRow> claim(
      @Bind("connectionId") String connectionId,
      @Bind("now") OffsetDateTime now,
      @Bind("leaseUntil") OffsetDateTime leaseUntil,
      @Bind("limit") int limit);

  /** Marks that a request carrying these actions is about to go out. */
  @SqlBatch(
      "UPDATE rule_action SET sent = true WHERE connection_id = :connectionId AND action_key ="
          + " :key")
  void markSent(@Bind("connectionId") String connectionId, @Bind("key") List<String> keys);

  @SqlBatch(
      """
      UPDATE rule_action SET status = :status, attempts = :attempts, due_at = :dueAt, crm_id = :crmId,
        detail = :detail, updated_at = :updatedAt
      WHERE connection_id = :connectionId AND action_key = :actionKey\
      """)
  void settle(@BindMethods List<ActionRow> rows);

  /** Newest first, after the keyset ({@code beforeAt}, {@code beforeKey}). */
  @SqlQuery(
      """
      SELECT * FROM rule_action
      WHERE connection_id = :connectionId AND (:account = '' OR account_id = :account)
        AND (:anyStatus OR status IN (<statuses>)) AND (created_at, action_key) < (:beforeAt, :beforeKey)
      ORDER BY created_at DESC, action_key DESC LIMIT :limit\
      """)
  List<ActionRow> page(
      @Bind("connectionId") String connectionId,
      @Bind("account") String accountId,
      @Bind("anyStatus") boolean anyStatus,
      @BindList(value = "statuses", onEmpty = BindList.EmptyHandling.NULL_STRING)
          List<String> statuses,
      @Bind("beforeAt") OffsetDateTime beforeAt,
      @Bind("beforeKey") String beforeKey,
      @Bind("limit") int limit);

  @SqlQuery(
      "SELECT * FROM rule_action WHERE connection_id = :connectionId AND action_key IN (<keys>)")
  List<ActionRow> actions(
      @Bind("connectionId") String connectionId, @BindList("keys") List<String> actionKeys);

  /**
   * Puts the dead-lettered actions among {@code keys} (all of the connection's when {@code all})
   * back in the queue with a fresh set of attempts; {@code sent} stays, so a task that may have
   * reached the CRM is still looked up before it is created.
   */
  @SqlQuery(
      """
      UPDATE rule_action SET status = 'PENDING', attempts = 0, due_at = :now, updated_at = :now
      WHERE connection_id = :connectionId AND status = 'DEAD_LETTERED'
        AND (:all OR action_key IN (<keys>))
      RETURNING *\
      """)
  List<ActionRow> requeueDeadLetters(
      @Bind("connectionId") String connectionId,
      @Bind("all") boolean all,
      @BindList(value = "keys", onEmpty = BindList.EmptyHandling.NULL_STRING)
          List<String> actionKeys,
      @Bind("now") OffsetDateTime now);
}
