package dev.headroom.crm.db;

import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The audit trail of admin changes. */
@RegisterConstructorMapper(AuditDao.AuditRow.class)
public interface AuditDao {

  /**
   * @param changedFields comma-separated field names, never values
   */
  record AuditRow(
      long seq,
      String auditId,
      String actor,
      String action,
      String targetId,
      String changedFields,
      OffsetDateTime occurredAt) {}

  @SqlUpdate(
      """
      INSERT INTO audit_entry (audit_id, actor, action, target_id, changed_fields, occurred_at)
      VALUES (:auditId, :actor, :action, :targetId, :changedFields, :occurredAt)\
      """)
  void insert(@BindMethods AuditRow row);

  /** Newest first, after the keyset {@code beforeSeq} (Long.MAX_VALUE for the first page). */
  @SqlQuery(
      """
      SELECT * FROM audit_entry
      WHERE (:target = '' OR target_id = :target) AND seq < :beforeSeq
      ORDER BY seq DESC LIMIT :limit\
      """)
  List<AuditRow> page(
      @Bind("target") String targetId, @Bind("beforeSeq") long beforeSeq, @Bind("limit") int limit);
}
