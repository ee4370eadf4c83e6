package dev.headroom.crm.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Workflow rules and the opportunities they created. */
@RegisterConstructorMapper(RuleDao.RuleRow.class)
@RegisterConstructorMapper(RuleDao.OpportunityRow.class)
public interface RuleDao {

  /**
   * @param primaryTypes comma-separated
   * @param actions JSON array of {type, target}
   */
  record RuleRow(
      String ruleId,
      String connectionId,
      String name,
      boolean enabled,
      int scoreAbove,
      String primaryTypes,
      int minSignals,
      long signalsWithinMs,
      String actions,
      long version,
      String requestId,
      OffsetDateTime createdAt) {}

  record OpportunityRow(
      String connectionId,
      String externalKey,
      String accountId,
      String expansionType,
      String crmId,
      String state,
      String currency,
      long amountMinor,
      OffsetDateTime createdAt,
      OffsetDateTime closedAt) {}

  @SqlUpdate(
      """
      INSERT INTO workflow_rule (rule_id, connection_id, name, enabled, score_above, primary_types, min_signals,
        signals_within_ms, actions, version, request_id, created_at)
      VALUES (:ruleId, :connectionId, :name, :enabled, :scoreAbove, :primaryTypes, :minSignals, :signalsWithinMs,
        CAST(:actions AS jsonb), :version, :requestId, :createdAt)
      ON CONFLICT DO NOTHING\
      """)
  int insert(@BindMethods RuleRow row);

  /** Returns 0 when the stored version is not the row's. */
  @SqlUpdate(
      """
      UPDATE workflow_rule SET name = :name, enabled = :enabled, score_above = :scoreAbove,
        primary_types = :primaryTypes, min_signals = :minSignals, signals_within_ms = :signalsWithinMs,
        actions = CAST(:actions AS jsonb), version = version + 1
      WHERE rule_id = :ruleId AND version = :version\
      """)
  int update(@BindMethods RuleRow row);

  @SqlUpdate("DELETE FROM workflow_rule WHERE rule_id = :id")
  int delete(@Bind("id") String ruleId);

  @SqlQuery("SELECT * FROM workflow_rule WHERE rule_id = :id")
  Optional<RuleRow> find(@Bind("id") String ruleId);

  @SqlQuery("SELECT * FROM workflow_rule WHERE request_id = :id")
  Optional<RuleRow> findByRequestId(@Bind("id") String requestId);

  @SqlQuery("SELECT * FROM workflow_rule WHERE connection_id = :id ORDER BY created_at, rule_id")
  List<RuleRow> ofConnection(@Bind("id") String connectionId);

  @SqlQuery(
      """
      SELECT * FROM opportunity WHERE connection_id = :connectionId AND state = 'OPEN'
        AND account_id IN (<accounts>)\
      """)
  List<OpportunityRow> open(
      @Bind("connectionId") String connectionId, @BindList("accounts") List<String> accountIds);

  /** How many opportunities the account has had of this type (the next key's generation). */
  @SqlQuery(
      """
      SELECT count(*) FROM opportunity
      WHERE connection_id = :connectionId AND account_id = :accountId AND expansion_type = :type\
      """)
  int generations(
      @Bind("connectionId") String connectionId,
      @Bind("accountId") String accountId,
      @Bind("type") String expansionType);

  @SqlUpdate(
      """
      INSERT INTO opportunity (connection_id, external_key, account_id, expansion_type, crm_id, state, currency,
        amount_minor, created_at, closed_at)
      VALUES (:connectionId, :externalKey, :accountId, :expansionType, :crmId, :state, :currency, :amountMinor,
        :createdAt, :closedAt)
      ON CONFLICT DO NOTHING\
      """)
  int insertOpportunity(@BindMethods OpportunityRow row);

  @SqlQuery(
      """
      SELECT * FROM opportunity WHERE connection_id = :id AND state = 'OPEN'
      ORDER BY created_at, external_key\
      """)
  List<OpportunityRow> openOf(@Bind("id") String connectionId);

  /** Returns 0 when it was closed already (a second poll of the same close). */
  @SqlUpdate(
      """
      UPDATE opportunity SET state = :state, closed_at = :closedAt, amount_minor = :amountMinor
      WHERE connection_id = :connectionId AND external_key = :key AND state = 'OPEN'\
      """)
  int close(
      @Bind("connectionId") String connectionId,
      @Bind("key") String externalKey,
      @Bind("state") String state,
      @Bind("amountMinor") long amountMinor,
      @Bind("closedAt") OffsetDateTime closedAt);
}
