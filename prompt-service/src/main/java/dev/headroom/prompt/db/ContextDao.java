package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The persisted decision context: encoded usage and score per account, and the catalog. */
public interface ContextDao {

  /**
   * Stores one part of an account's context ({@code usage} or {@code score}, each with the upstream
   * cursor it was read at): with {@code onlyIfNewer} unless a later one is stored already (a
   * redelivery changes nothing), else whatever cursor was stored (a full resynchronization).
   */
  @SqlUpdate(
      """
      INSERT INTO account_context (account_id, <part>_cursor, <part>, updated_at)
      VALUES (:accountId, :cursor, :value, now())
      ON CONFLICT (account_id) DO UPDATE SET <part>_cursor = EXCLUDED.<part>_cursor,
        <part> = EXCLUDED.<part>, updated_at = now()
      WHERE NOT :onlyIfNewer OR account_context.<part>_cursor < EXCLUDED.<part>_cursor\
      """)
  int put(
      @Define("part") String part,
      @Bind("accountId") String accountId,
      @Bind("cursor") long cursor,
      @Bind("value") byte[] value,
      @Bind("onlyIfNewer") boolean onlyIfNewer);

  /**
   * Stores a usage snapshot unless a later one is stored already (a redelivery changes nothing).
   */
  default int putUsage(String accountId, long cursor, byte[] usage) {
    return put("usage", accountId, cursor, usage, true);
  }

  /** Stores a score unless a later one is stored already. */
  default int putScore(String accountId, long cursor, byte[] score) {
    return put("score", accountId, cursor, score, true);
  }

  /** Overwrites the usage (a full resynchronization), whatever cursor was stored. */
  default void replaceUsage(String accountId, long cursor, byte[] usage) {
    put("usage", accountId, cursor, usage, false);
  }

  /** Overwrites the score (a full resynchronization), whatever cursor was stored. */
  default void replaceScore(String accountId, long cursor, byte[] score) {
    put("score", accountId, cursor, score, false);
  }

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
