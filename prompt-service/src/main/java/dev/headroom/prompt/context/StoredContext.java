package dev.headroom.prompt.context;

import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.prompt.db.ContextDao;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Jdbi;

/**
 * The persisted decision context: each account's latest usage snapshot and score (encoded as the
 * upstream sent them, trimmed) stored together with the consumer's cursor in one transaction, and
 * the last catalog. A restart loads it instead of replaying upstream history.
 */
public final class StoredContext {
  /** One persisted account; either part may be null when it never arrived. */
  public record StoredAccount(String accountId, byte[] usage, byte[] score) {}

  private static final int FETCH_SIZE = 2000;
  private final Jdbi jdbi;
  private final CursorStore cursors;

  public StoredContext(Jdbi jdbi, CursorStore cursors) {
    this.jdbi = jdbi;
    this.cursors = cursors;
  }

  /** The consumer's stored cursor, 0 when it never stored one. */
  public long cursor(String consumer) {
    return cursors.load(consumer);
  }

  public Optional<byte[]> catalog() {
    return jdbi.withExtension(ContextDao.class, ContextDao::catalog);
  }

  public void putCatalog(byte[] catalog, Instant readAt) {
    jdbi.useExtension(
        ContextDao.class, dao -> dao.putCatalog(catalog, readAt.atOffset(ZoneOffset.UTC)));
  }

  /** Streams every persisted account with a server-side cursor (memory stays flat). */
  public void forEachAccount(Consumer<StoredAccount> sink) {
    jdbi.useHandle(
        h ->
            ContextDao.forEach(
                h,
                FETCH_SIZE,
                row -> sink.accept(new StoredAccount(row.accountId(), row.usage(), row.score()))));
  }

  /**
   * Stores an account's usage snapshot from the change at {@code cursor} with the consumer's
   * cursor, unless a later change is stored already (replicas share the stored context).
   *
   * @return the newest stored snapshot: this one, or the later one another replica stored first
   */
  public byte[] putUsage(String consumer, String accountId, long cursor, byte[] usage) {
    return put(
        consumer,
        cursor,
        usage,
        dao -> dao.putUsage(accountId, cursor, usage),
        dao -> dao.usage(accountId));
  }

  /** Like {@link #putUsage} for a score. */
  public byte[] putScore(String consumer, String accountId, long cursor, byte[] score) {
    return put(
        consumer,
        cursor,
        score,
        dao -> dao.putScore(accountId, cursor, score),
        dao -> dao.score(accountId));
  }

  private byte[] put(
      String consumer,
      long cursor,
      byte[] value,
      ToIntFunction<ContextDao> store,
      Function<ContextDao, Optional<byte[]>> stored) {
    return jdbi.inTransaction(
        h -> {
          ContextDao dao = h.attach(ContextDao.class);
          int written = store.applyAsInt(dao);
          cursors.save(h, consumer, cursor);
          return written == 1 ? value : stored.apply(dao).orElse(value);
        });
  }

  /**
   * Overwrites an account's usage with one read from a full snapshot, marked as of {@code cursor}
   * so that every change the stream delivers after it applies.
   */
  public void replaceUsage(String accountId, long cursor, byte[] usage) {
    jdbi.useExtension(ContextDao.class, dao -> dao.replaceUsage(accountId, cursor, usage));
  }

  /** Like {@link #replaceUsage} for a score. */
  public void replaceScore(String accountId, long cursor, byte[] score) {
    jdbi.useExtension(ContextDao.class, dao -> dao.replaceScore(accountId, cursor, score));
  }

  /** Moves the consumer's stored cursor on (never back). */
  public void saveCursor(String consumer, long cursor) {
    cursors.save(consumer, cursor);
  }
}
