package dev.headroom.signal.db;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Signal occurrences (current = open, history = resolved) and the per-account evaluation state. */
public interface SignalDao {

  /** {@code evidenceJson}: a JSON array of {metric, value, threshold, description}. */
  record OccurrenceRow(
      long signalId,
      String accountId,
      String signalType,
      String status,
      OffsetDateTime since,
      OffsetDateTime activatesAt,
      OffsetDateTime resolvedAt,
      String evidenceJson,
      List<String> constituents,
      long ruleVersion) {}

  record StateRow(String accountId, byte[] metricsHash, boolean accountDirty) {}

  String COLUMNS =
      """
      signal_id, account_id, signal_type, status, since, activates_at, resolved_at,
      evidence::text AS evidence_json,
      constituents, rule_version\
      """;

  @SqlQuery(
      "SELECT "
          + COLUMNS
          + " FROM signal_occurrence WHERE account_id = :id AND resolved_at IS NULL "
          + "ORDER BY signal_type")
  @RegisterConstructorMapper(OccurrenceRow.class)
  List<OccurrenceRow> open(@Bind("id") String accountId);

  /** The accounts' open occurrences, locked in account id order. */
  @SqlQuery(
      "SELECT "
          + COLUMNS
          + " FROM signal_occurrence WHERE account_id = ANY(:ids) AND resolved_at IS NULL "
          + "ORDER BY account_id, signal_type FOR UPDATE")
  @RegisterConstructorMapper(OccurrenceRow.class)
  List<OccurrenceRow> openForUpdate(@Bind("ids") String[] accountIds);

  /**
   * Resolved occurrences, newest first (by id, which grows with time), keyset after {@code
   * beforeId}.
   */
  @SqlQuery(
      "SELECT "
          + COLUMNS
          + """
           FROM signal_occurrence
          WHERE account_id = :id AND resolved_at IS NOT NULL AND signal_id < :before
            AND (:allTypes OR signal_type IN (<types>))
          ORDER BY signal_id DESC LIMIT :limit\
          """)
  @RegisterConstructorMapper(OccurrenceRow.class)
  List<OccurrenceRow> history(
      @Bind("id") String accountId,
      @Bind("before") long beforeId,
      @Bind("allTypes") boolean allTypes,
      @BindList(value = "types", onEmpty = BindList.EmptyHandling.NULL_STRING)
          Collection<String> types,
      @Bind("limit") int limit);

  @SqlUpdate(
      """
      INSERT INTO signal_occurrence (account_id, signal_type, status, since, activates_at, evidence, constituents,
        rule_version)
      VALUES (:accountId, :signalType, :status, :since, :activatesAt, CAST(:evidenceJson AS jsonb), :constituents,
        :ruleVersion)\
      """)
  @GetGeneratedKeys("signal_id")
  long insert(@BindMethods OccurrenceRow row);

  @SqlUpdate(
      """
      UPDATE signal_occurrence SET status = :status, since = :since, activates_at = :activatesAt,
        evidence = CAST(:evidenceJson AS jsonb),
        constituents = :constituents, rule_version = :ruleVersion, updated_at = now()
      WHERE signal_id = :signalId\
      """)
  void update(@BindMethods OccurrenceRow row);

  @SqlUpdate(
      """
      UPDATE signal_occurrence SET resolved_at = :at, status = 'RESOLVED', activates_at = NULL,
        updated_at = now()
      WHERE signal_id = :signalId\
      """)
  void resolve(@Bind("signalId") long signalId, @Bind("at") OffsetDateTime at);

  /** The accounts' evaluation state, locked in account id order. */
  @SqlQuery(
      "SELECT account_id, metrics_hash, account_dirty FROM account_state WHERE account_id ="
          + " ANY(:ids) ORDER BY account_id FOR UPDATE")
  @RegisterConstructorMapper(StateRow.class)
  List<StateRow> statesForUpdate(@Bind("ids") String[] accountIds);

  @SqlUpdate(
      """
      INSERT INTO account_state (account_id, metrics_hash, evaluated_at, account_dirty)
      VALUES (:id, :hash, :at, false)
      ON CONFLICT (account_id) DO UPDATE SET metrics_hash = EXCLUDED.metrics_hash,
        evaluated_at = EXCLUDED.evaluated_at, account_dirty = false\
      """)
  void saveState(
      @Bind("id") String accountId,
      @Bind("hash") byte[] metricsHash,
      @Bind("at") OffsetDateTime at);

  @SqlUpdate("SELECT pg_advisory_xact_lock(hashtext('signal-account'), hashtext(:id))")
  void lockAccount(@Bind("id") String accountId);
}
