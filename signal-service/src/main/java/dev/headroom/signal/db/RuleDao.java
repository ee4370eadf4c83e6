package dev.headroom.signal.db;

import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Versioned signal rules: the current row per type plus every version ever written. */
public interface RuleDao {

  /**
   * {@code thresholdsJson}: name -> decimal string; {@code windowsJson}: name -> ISO-8601 duration.
   */
  record RuleRow(
      String signalType,
      boolean enabled,
      String thresholdsJson,
      String windowsJson,
      long version,
      OffsetDateTime updatedAt,
      String updatedBy) {}

  @SqlQuery(
      """
      SELECT signal_type, enabled, thresholds::text AS thresholds_json, windows::text AS windows_json, version,
             updated_at, updated_by FROM signal_rule ORDER BY signal_type\
      """)
  @RegisterConstructorMapper(RuleRow.class)
  List<RuleRow> all();

  @SqlUpdate(
      """
      INSERT INTO signal_rule (signal_type, enabled, thresholds, windows, version, updated_at, updated_by)
      VALUES (:signalType, :enabled, CAST(:thresholdsJson AS jsonb), CAST(:windowsJson AS jsonb), :version,
              :updatedAt, :updatedBy)
      ON CONFLICT (signal_type) DO NOTHING\
      """)
  int insertIfAbsent(@BindMethods RuleRow row);

  @SqlUpdate(
      """
      UPDATE signal_rule SET enabled = :enabled, thresholds = CAST(:thresholdsJson AS jsonb),
        windows = CAST(:windowsJson AS jsonb), version = :version, updated_at = :updatedAt, updated_by = :updatedBy
      WHERE signal_type = :signalType AND version = :version - 1\
      """)
  int updateIfVersion(@BindMethods RuleRow row);

  @SqlUpdate(
      """
      INSERT INTO signal_rule_version (signal_type, version, enabled, thresholds, windows, updated_at, updated_by)
      VALUES (:signalType, :version, :enabled, CAST(:thresholdsJson AS jsonb), CAST(:windowsJson AS jsonb),
              :updatedAt, :updatedBy)
      ON CONFLICT DO NOTHING\
      """)
  void recordVersion(@BindMethods RuleRow row);

  /** Seeds a rule (first start); true when it was inserted. */
  @Transaction
  default boolean seed(RuleRow row) {
    boolean inserted = insertIfAbsent(row) == 1;
    if (inserted) {
      recordVersion(row);
    }
    return inserted;
  }

  /** Writes version {@code row.version()} iff the stored version is the one before it. */
  @Transaction
  default boolean update(RuleRow row) {
    if (updateIfVersion(row) != 1) {
      return false;
    }
    recordVersion(row);
    return true;
  }
}
