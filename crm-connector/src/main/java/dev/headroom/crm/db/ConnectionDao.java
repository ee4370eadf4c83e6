package dev.headroom.crm.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Connections and their field mappings. */
@RegisterConstructorMapper(ConnectionDao.ConnectionRow.class)
@RegisterConstructorMapper(ConnectionDao.MappingRow.class)
public interface ConnectionDao {

  /**
   * @param credentialsSealed AES-GCM ciphertext of the credentials JSON; null once deleted
   */
  record ConnectionRow(
      String connectionId,
      String provider,
      String displayName,
      String baseUrl,
      String apiVersion,
      String matchField,
      boolean enabled,
      boolean dryRun,
      long debounceMs,
      long reconcileIntervalMs,
      String credentialsSealed,
      long version,
      String requestId,
      OffsetDateTime createdAt,
      OffsetDateTime updatedAt,
      OffsetDateTime deletedAt,
      OffsetDateTime lastReconcileAt) {
    @Override
    public String toString() {
      return "ConnectionRow[" + connectionId + ", " + provider + "]";
    }
  }

  /**
   * @param valueMap JSON object of value name to CRM value
   */
  record MappingRow(
      String connectionId,
      int position,
      String source,
      String crmField,
      boolean enabled,
      String valueMap) {}

  @SqlUpdate(
      """
      INSERT INTO connection (connection_id, provider, display_name, base_url, api_version, match_field, enabled,
        dry_run, debounce_ms, reconcile_interval_ms, credentials_sealed, version, request_id, created_at, updated_at)
      VALUES (:connectionId, :provider, :displayName, :baseUrl, :apiVersion, :matchField, :enabled, :dryRun,
        :debounceMs, :reconcileIntervalMs, :credentialsSealed, :version, :requestId, :createdAt, :updatedAt)
      ON CONFLICT DO NOTHING\
      """)
  int insert(@BindMethods ConnectionRow row);

  @SqlQuery("SELECT * FROM connection WHERE connection_id = :id AND deleted_at IS NULL")
  Optional<ConnectionRow> find(@Bind("id") String connectionId);

  @SqlQuery("SELECT * FROM connection WHERE request_id = :requestId")
  Optional<ConnectionRow> findByRequestId(@Bind("requestId") String requestId);

  @SqlQuery("SELECT * FROM connection WHERE deleted_at IS NULL ORDER BY created_at, connection_id")
  List<ConnectionRow> list();

  /** Returns 0 when the stored version is not {@code expectedVersion}. */
  @SqlUpdate(
      """
      UPDATE connection SET display_name = :displayName, base_url = :baseUrl, api_version = :apiVersion,
        match_field = :matchField, enabled = :enabled, dry_run = :dryRun, debounce_ms = :debounceMs,
        reconcile_interval_ms = :reconcileIntervalMs, credentials_sealed = :credentialsSealed,
        version = version + 1, updated_at = :updatedAt
      WHERE connection_id = :connectionId AND version = :version AND deleted_at IS NULL\
      """)
  int update(@BindMethods ConnectionRow row);

  @SqlUpdate(
      """
      UPDATE connection SET enabled = false, credentials_sealed = NULL, deleted_at = :at, updated_at = :at,
        version = version + 1
      WHERE connection_id = :id AND deleted_at IS NULL\
      """)
  int markDeleted(@Bind("id") String connectionId, @Bind("at") OffsetDateTime at);

  @SqlUpdate("UPDATE connection SET credentials_sealed = :sealed WHERE connection_id = :id")
  void reseal(@Bind("id") String connectionId, @Bind("sealed") String sealed);

  @SqlUpdate("UPDATE connection SET last_reconcile_at = :at WHERE connection_id = :id")
  void reconciled(@Bind("id") String connectionId, @Bind("at") OffsetDateTime at);

  @SqlQuery("SELECT * FROM field_mapping WHERE connection_id = :id ORDER BY position")
  List<MappingRow> mappings(@Bind("id") String connectionId);

  @SqlUpdate("DELETE FROM field_mapping WHERE connection_id = :id")
  void deleteMappings(@Bind("id") String connectionId);

  @SqlBatch(
      """
      INSERT INTO field_mapping (connection_id, position, source, crm_field, enabled, value_map)
      VALUES (:connectionId, :position, :source, :crmField, :enabled, CAST(:valueMap AS jsonb))\
      """)
  void insertMappings(@BindMethods List<MappingRow> rows);
}
