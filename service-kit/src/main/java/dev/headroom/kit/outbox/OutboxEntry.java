package dev.headroom.kit.outbox;

import java.time.Instant;

/**
 * One committed outbox row. {@code seq} is dense and commit-ordered within its stream; it is the
 * watch cursor.
 */
public record OutboxEntry(String stream, long seq, String key, byte[] payload, Instant createdAt) {
  @Override
  public String toString() {
    // No payload: it is domain data and may be personal.
    return "OutboxEntry[stream="
        + stream
        + ", seq="
        + seq
        + ", key="
        + key
        + ", bytes="
        + payload.length
        + "]";
  }
}
