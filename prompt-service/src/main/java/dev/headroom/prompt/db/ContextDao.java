package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The persisted decision context: encoded usage and score per account, and the catalog. */
public interface ContextDao {

  /**
   * Stores a usage snapshot unless a later one is stored already (a redelivery changes nothing).
   */
  @SqlUpdate(
      """
      INSERT INTO account_context (account_id, usage_cursor, usage, updated_at)
      VALUES (:accountId, :cursor, :usage, now())
      ON CONFLICT (account_id) DO UPDATE SET usage_cursor = EXCLUDED.usage_cursor,
        usage = EXCLUDED.usage, updated_at = now()
      WHERE account_context.usage_cursor < EXCLUDED.usage_cursor\
      """)
  int putUsage(
      @Bind("accountId") String accountId,
      @Bind("cursor") long cursor,
      @Bind("usage") byte[] usage);

  @SqlUpdate(
      """
      INSERT INTO account_context (account_id, score_cursor, score, updated_at)
      VALUES (:accountId, :cursor, :score, now())
      ON CONFLICT (account_id) DO UPDATE SET score_cursor = EXCLUDED.score_cursor,
        score = EXCLUDED.score, updated_at = now()
      WHERE account_context.score_cursor < EXCLUDED.score_cursor\
      """)
  int putScore(
      @Bind("accountId") String accountId,
      @Bind("cursor") long cursor,
      @Bind("score") byte[] score);

  /** Overwrites the usage (a full resynchronization), whatever cursor was stored. */
  @SqlUpdate(
      """
      INSERT INTO account_context (account_id, usage_cursor, usage, updated_at)
      VALUES (:accountId, :cursor, :usage, now())
      ON CONFLICT (account_id) DO UPDATE SET usage_cursor = EXCLUDED.usage_cursor,
        usage = EXCLUDED.usage, updated_at = now()\
      """)
  void replaceUsage(
      @Bind("accountId") String accountId,
      @Bind("cursor") long cursor,
      @Bind("usage") byte[] usage);

  /** Overwrites the score (a full resynchronization), whatever cursor was stored. */
  @SqlUpdate(
      """
      INSERT INTO account_context (account_id, score_cursor, score, updated_at)
      VALUES (:accountId, :cursor, :score, now())
      ON CONFLICT (account_id) DO UPDATE SET score_cursor = EXCLUDED.score_cursor,
        score = EXCLUDED.score, updated_at = now()\
      """)
  void replaceScore(
      @Bind("accountId") String accountId,
      @Bind("cursor") long cursor,
      @Bind("score") byte[] score);

  @SqlUpdate(
      """
      INSERT INTO catalog_snapshot (id, catalog, read_at) VALUES (1, :catalog, :readAt)
      ON CONFLICT (id) DO UPDATE SET catalog = EXCLUDED.catalog, read_at = EXCLUDED.read_at\
      """)
  void putCatalog(@Bind("catalog") byte[] catalog, @Bind("readAt") OffsetDateTime readAt);

  /** The stored usage snapshot of one account (the newest any replica has applied). */
  @SqlQuery("SELECT usage FROM account_context WHERE account_id = :accountId")
  Optional<byte[]> usage(@Bind("accountId") String accountId);

  /** The stored score of one account (the newest any replica has applied). */
  @SqlQuery("SELECT score FROM account_context WHERE account_id = :accountId")
  Optional<byte[]> score(@Bind("accountId") String accountId);

  @SqlQuery("SELECT catalog FROM catalog_snapshot WHERE id = 1")
  Optional<byte[]> catalog();

  /** One persisted account. */
  record ContextRow(String accountId, byte[] usage, byte[] score) {}

  /** Streams every persisted account to {@code sink} with a server-side cursor. */
  static void forEach(Handle handle, int fetchSize, Consumer<ContextRow> sink) {
    handle
        .createQuery("SELECT account_id, usage, score FROM account_context")
        .setFetchSize(fetchSize)
        .map((rs, ctx) -> new ContextRow(rs.getString(1), rs.getBytes(2), rs.getBytes(3)))
        .forEach(sink);
  }
}
