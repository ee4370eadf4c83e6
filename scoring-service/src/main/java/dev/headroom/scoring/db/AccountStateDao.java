package dev.headroom.scoring.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The latest usage snapshot per account (encoded upstream message), the input of every score and
 * re-score.
 */
@RegisterConstructorMapper(AccountStateDao.StateRow.class)
public interface AccountStateDao {

  record StateRow(
      String accountId,
      long upstreamCursor,
      OffsetDateTime asOf,
      String currency,
      byte[] snapshot,
      OffsetDateTime updatedAt) {}

  @SqlQuery("SELECT * FROM account_state WHERE account_id = :id")
  Optional<StateRow> get(@Bind("id") String accountId);

  /** An account's stored upstream cursor. */
  record CursorRow(String accountId, long upstreamCursor) {}

  /**
   * The stored cursors of {@code accountIds}, their rows locked in account id order: serializes
   * concurrent deliveries for one account (a redelivery racing a reconnect).
   */
  @SqlQuery(
      """
      SELECT account_id, upstream_cursor FROM account_state WHERE account_id = ANY(:ids)
      ORDER BY account_id FOR UPDATE\
      """)
  @RegisterConstructorMapper(CursorRow.class)
  List<CursorRow> cursorsForUpdate(@Bind("ids") String[] accountIds);

  @SqlBatch(
      """
      INSERT INTO account_state (account_id, upstream_cursor, as_of, currency, snapshot, updated_at)
      VALUES (:accountId, :upstreamCursor, :asOf, :currency, :snapshot, :updatedAt)
      ON CONFLICT (account_id) DO UPDATE SET upstream_cursor = EXCLUDED.upstream_cursor,
        as_of = EXCLUDED.as_of, currency = EXCLUDED.currency, snapshot = EXCLUDED.snapshot,
        updated_at = EXCLUDED.updated_at\
      """)
  void upsertAll(@BindMethods List<StateRow> rows);
}
