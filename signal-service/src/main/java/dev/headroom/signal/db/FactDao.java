package dev.headroom.signal.db;

import dev.headroom.signal.domain.EventKind;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.UsageFact;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The typed per-account facts the engine evaluates; never the raw events. */
public interface FactDao {

  /** Maps a usage_fact row to the domain fact (the row shape is the domain record). */
  final class FactMapper implements RowMapper<UsageFact> {
    @Override
    public UsageFact map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
        throws java.sql.SQLException {
      String role = rs.getString("role");
      BigDecimal q = rs.getBigDecimal("quantity");
      return new UsageFact(
          rs.getString("event_id"),
          rs.getString("account_id"),
          rs.getString("user_id"),
          rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
          EventKind.valueOf(rs.getString("kind")),
          role == null ? null : Role.valueOf(role),
          rs.getString("team"),
          rs.getString("key"),
          q);
    }
  }

  record FactRow(
      String accountId,
      OffsetDateTime occurredAt,
      String eventId,
      String userId,
      String kind,
      String role,
      String team,
      String key,
      BigDecimal quantity) {}

  /**
   * The whole timeline of one account, in timeline order (occurred_at, event_id): one index range
   * scan.
   */
  @SqlQuery(
      """
      SELECT account_id, occurred_at, event_id, user_id, kind, role, team, key, quantity
      FROM usage_fact WHERE account_id = :id ORDER BY occurred_at, event_id\
      """)
  @RegisterRowMapper(FactMapper.class)
  List<UsageFact> timeline(@Bind("id") String accountId);

  @SqlQuery(
      """
      SELECT account_id, occurred_at, event_id, user_id, kind, role, team, key, quantity
      FROM usage_fact WHERE account_id = :id AND kind IN ('USER_ADDED', 'USER_REMOVED', 'USER_ROLE_CHANGED')
      ORDER BY occurred_at, event_id\
      """)
  @RegisterRowMapper(FactMapper.class)
  List<UsageFact> membershipFacts(@Bind("id") String accountId);

  /**
   * Facts implied by PutUser; their ids are derived from the change, so a retried PutUser adds
   * nothing.
   */
  @SqlUpdate(
      """
      INSERT INTO usage_fact (account_id, occurred_at, event_id, user_id, kind, role, team, key, quantity)
      VALUES (:accountId, :occurredAt, :eventId, :userId, :kind, :role, :team, :key, :quantity)
      ON CONFLICT DO NOTHING\
      """)
  void insert(@BindMethods FactRow row);
}
