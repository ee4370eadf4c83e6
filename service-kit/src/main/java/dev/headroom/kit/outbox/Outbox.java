package dev.headroom.kit.outbox;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The transactional outbox of one service schema. A service appends inside the transaction that
 * changes its state, so an entry exists if and only if the change committed; {@link OutboxWatch}
 * streams entries to downstream services.
 *
 * <p><b>Ordering.</b> Watchers read {@code seq > cursor}, so a row must never become visible after
 * a row with a higher seq has already been read, or the reader would skip it for good. A bigserial
 * does not give that: two transactions can take 7 and 8, 8 commits first, a reader sees 8 and moves
 * its cursor past 7. Here each append increments the stream's counter row in {@code outbox_stream};
 * the row lock is held until the appending transaction ends, so appends to one stream are
 * serialized and commit in seq order, and seq is dense per stream. This is the same idea as a
 * {@code pg_advisory_xact_lock} per stream, chosen over it because the counter row also survives
 * pruning and yields gap-free numbers (which lets a watch detect a cursor older than retention).
 * The price: concurrent appends to the same stream wait for each other's commit, so append late in
 * the transaction and keep such transactions short. Appends must run at READ COMMITTED (the
 * default); under REPEATABLE READ a concurrent append fails with a serialization error and the
 * caller must retry.
 *
 * <p>{@code pg_notify} is sent in the same transaction and delivered at commit, waking watchers
 * immediately; a watch also polls on a bounded interval in case a notification is lost (listener
 * reconnecting).
 */
public final class Outbox {
  private final String schema;
  private final Jdbi jdbi;

  public Outbox(String schema, Jdbi jdbi) {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("schema must be a plain identifier: " + schema);
    }
    this.schema = schema;
    this.jdbi = jdbi;
  }

  /**
   * The LISTEN/NOTIFY channel; per schema so services sharing one database do not wake each other.
   */
  public String channel() {
    return "headroom_outbox_" + schema;
  }

  public String schema() {
    return schema;
  }

  /** One entry to append: its key (e.g. the account id) and its serialized payload. */
  public record NewEntry(String key, byte[] payload) {}

  /**
   * Appends an entry inside the caller's open transaction and returns its sequence number.
   *
   * @throws IllegalStateException when {@code handle} is not in a transaction (the entry would not
   *     be atomic with the change it announces)
   */
  public long append(Handle handle, String stream, String key, byte[] payload) {
    return appendAll(handle, stream, List.of(new NewEntry(key, payload)));
  }

  /**
   * Appends entries in order inside the caller's open transaction, in three statements whatever
   * their number (bulk publishers such as a re-score of every account would otherwise pay round
   * trips per entry). Returns the sequence number of the last one, 0 when {@code entries} is empty.
   *
   * @throws IllegalStateException when {@code handle} is not in a transaction
   */
  public long appendAll(Handle handle, String stream, List<NewEntry> entries) {
    if (!handle.isInTransaction()) {
      throw new IllegalStateException("Outbox.append must run inside the caller's transaction");
    }
    int n = entries.size();
    if (n == 0) {
      return 0;
    }
    // Advancing the counter by n takes the stream's row lock until commit: the whole range commits
    // in order.
    long last =
        handle
            .createQuery(
                """
                INSERT INTO %s.outbox_stream (stream, last_seq) VALUES (:stream, :n)
                ON CONFLICT (stream) DO UPDATE SET last_seq = outbox_stream.last_seq + EXCLUDED.last_seq
                RETURNING last_seq\
                """
                    .formatted(schema))
            .bind("stream", stream)
            .bind("n", (long) n)
            .mapTo(Long.class)
            .one();
    String[] keys = new String[n];
    byte[][] payloads = new byte[n][];
    for (int i = 0; i < n; i++) {
      keys[i] = entries.get(i).key();
      payloads[i] = entries.get(i).payload();
    }
    try {
      handle
          .createUpdate(
              """
              INSERT INTO %s.outbox (stream, seq, entry_key, payload)
              SELECT :stream, :first + u.ord - 1, u.k, u.p
              FROM unnest(:keys, :payloads) WITH ORDINALITY AS u(k, p, ord)\
              """
                  .formatted(schema))
          .bind("stream", stream)
          .bind("first", last - n + 1)
          .bindArray("keys", String.class, (Object[]) keys)
          .bindBySqlType(
              "payloads", handle.getConnection().createArrayOf("bytea", payloads), Types.ARRAY)
          .execute();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot bind outbox payloads", e);
    }
    handle
        .createQuery("SELECT pg_notify(:channel, :stream)")
        .bind("channel", channel())
        .bind("stream", stream)
        .mapTo(String.class)
        .findOne();
    return last;
  }

  /** Committed entries with {@code seq > afterSeq}, oldest first, at most {@code limit}. */
  public List<OutboxEntry> read(String stream, long afterSeq, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT stream, seq, entry_key, payload, created_at FROM %s.outbox
                    WHERE stream = :stream AND seq > :after ORDER BY seq LIMIT :limit\
                    """
                        .formatted(schema))
                .bind("stream", stream)
                .bind("after", afterSeq)
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new OutboxEntry(
                            rs.getString(1),
                            rs.getLong(2),
                            rs.getString(3),
                            rs.getBytes(4),
                            rs.getObject(5, OffsetDateTime.class).toInstant()))
                .list());
  }

  /** The last seq handed out for {@code stream} (0 when nothing was ever appended). */
  public long lastSeq(String stream) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT last_seq FROM %s.outbox_stream WHERE stream = :stream"
                        .formatted(schema))
                .bind("stream", stream)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
  }

  /**
   * Fails when entries after {@code cursor} were already pruned: resuming would silently lose them,
   * so the consumer must resynchronize some other way.
   */
  public void requireRetained(String stream, long cursor) {
    long firstRetained =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT COALESCE((SELECT min(seq) FROM %1$s.outbox WHERE stream = :stream),
                                        (SELECT last_seq + 1 FROM %1$s.outbox_stream WHERE stream = :stream), 1)\
                        """
                            .formatted(schema))
                    .bind("stream", stream)
                    .mapTo(Long.class)
                    .one());
    if (cursor < firstRetained - 1) {
      throw new DomainException.FailedPrecondition(
          Reason.CURSOR_EXPIRED,
          "entries after cursor "
              + cursor
              + " of stream "
              + stream
              + " were pruned; first retained is "
              + firstRetained,
          Map.of("stream", stream, "first_retained_seq", Long.toString(firstRetained)));
    }
  }

  /**
   * Deletes entries older than {@code retention}, at most {@code maxRows} per call so one prune
   * never holds long locks or bloats a transaction; call repeatedly (see {@link OutboxPruner}).
   * Returns rows deleted.
   */
  public int prune(Duration retention, int maxRows) {
    Instant cutoff = Instant.now().minus(retention);
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                    """
                    DELETE FROM %1$s.outbox WHERE (stream, seq) IN (
                      SELECT stream, seq FROM %1$s.outbox WHERE created_at < :cutoff ORDER BY created_at LIMIT :max)\
                    """
                        .formatted(schema))
                .bind("cutoff", OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC))
                .bind("max", maxRows)
                .execute());
  }
}
