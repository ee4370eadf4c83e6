package dev.headroom.scoring.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The inputs of the business measures that only they read: ARR history and scores at a time. */
public interface MeasuresDao {

  /**
   * One point of an account's revenue history; {@code productKeys[i]} is on {@code planKeys[i]}.
   */
  record RevenueRow(
      String accountId,
      long upstreamCursor,
      OffsetDateTime effectiveAt,
      String currency,
      long arrMinor,
      List<String> productKeys,
      List<String> planKeys) {}

  /** An account's stored snapshot (encoded) and the upstream cursor that carried it. */
  record StoredSnapshot(String accountId, long upstreamCursor, byte[] snapshot) {}

  /** The band and motion of a score. */
  record ScoreSegmentRow(String accountId, String band, String motion) {}

  @SqlQuery(
      """
      SELECT * FROM account_revenue WHERE account_id = :id
      ORDER BY upstream_cursor DESC LIMIT 1\
      """)
  @RegisterConstructorMapper(RevenueRow.class)
  Optional<RevenueRow> latestRevenue(@Bind("id") String accountId);

  @SqlUpdate(
      """
      INSERT INTO account_revenue (account_id, upstream_cursor, effective_at, currency, arr_minor, product_keys,
        plan_keys)
      VALUES (:accountId, :upstreamCursor, :effectiveAt, :currency, :arrMinor, :productKeys, :planKeys)
      ON CONFLICT DO NOTHING\
      """)
  void insertRevenue(@BindMethods RevenueRow row);

  /**
   * Accounts with a currency but no revenue point yet, by account id after {@code after}: scored
   * before revenue was kept.
   */
  @SqlQuery(
      """
      SELECT s.account_id, s.upstream_cursor, s.snapshot FROM account_state s
      WHERE s.account_id > :after AND s.currency <> ''
        AND NOT EXISTS (SELECT 1 FROM account_revenue r WHERE r.account_id = s.account_id)
      ORDER BY s.account_id LIMIT :limit\
      """)
  @RegisterConstructorMapper(StoredSnapshot.class)
  List<StoredSnapshot> snapshotsWithoutRevenue(
      @Bind("after") String afterAccountId, @Bind("limit") int limit);

  /**
   * What the measures of [from, to) read: each account's latest point before {@code from} (its
   * state at the start), then every point in [from, to).
   */
  @SqlQuery(
      """
      SELECT * FROM (
        SELECT DISTINCT ON (account_id) * FROM account_revenue WHERE effective_at < :from
        ORDER BY account_id, effective_at DESC, upstream_cursor DESC
      ) AS at_start
      UNION ALL
      SELECT * FROM account_revenue WHERE effective_at >= :from AND effective_at < :to\
      """)
  @RegisterConstructorMapper(RevenueRow.class)
  List<RevenueRow> revenue(@Bind("from") OffsetDateTime from, @Bind("to") OffsetDateTime to);

  /**
   * Per account, the score in force at {@code at}: the current one if it describes the account at
   * or before {@code at}, else the latest history row that does.
   */
  @SqlQuery(
      """
      SELECT DISTINCT ON (account_id) account_id, band, motion FROM (
        SELECT account_id, band, motion, as_of, 1 AS current, 0::bigint AS id
        FROM score_current WHERE as_of <= :at
        UNION ALL
        SELECT account_id, band, motion, as_of, 0 AS current, id
        FROM score_history WHERE as_of <= :at
      ) AS scores
      ORDER BY account_id, current DESC, as_of DESC, id DESC\
      """)
  @RegisterConstructorMapper(ScoreSegmentRow.class)
  List<ScoreSegmentRow> scoresAt(@Bind("at") OffsetDateTime at);
}
