package dev.headroom.kit.outbox;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Where a consumer keeps its position in an upstream stream ({@code consumer_cursor} in the
 * consumer's own schema). Positions only move forward, so a late or duplicate save can never rewind
 * a consumer.
 */
public final class CursorStore {
  private final String schema;
  private final Jdbi jdbi;

  public CursorStore(String schema, Jdbi jdbi) {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("schema must be a plain identifier: " + schema);
    }
    this.schema = schema;
    this.jdbi = jdbi;
  }

  /** The stored position, 0 for a consumer that never saved one (so it starts at the beginning). */
  public long load(String consumer) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT position FROM %s.consumer_cursor WHERE consumer = :c".formatted(schema))
                .bind("c", consumer)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L));
  }

  public void save(String consumer, long position) {
    jdbi.useHandle(h -> save(h, consumer, position));
  }

  /**
   * Saves within the caller's transaction, e.g. atomically with the handler's own writes
   * (exactly-once effect).
   */
  public void save(Handle handle, String consumer, long position) {
    handle
        .createUpdate(
            """
            INSERT INTO %s.consumer_cursor (consumer, position) VALUES (:c, :p)
            ON CONFLICT (consumer) DO UPDATE
              SET position = GREATEST(consumer_cursor.position, EXCLUDED.position), updated_at = now()\
            """
                .formatted(schema))
        .bind("c", consumer)
        .bind("p", position)
        .execute();
  }
}
