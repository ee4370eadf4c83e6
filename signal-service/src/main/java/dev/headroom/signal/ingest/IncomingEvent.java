package dev.headroom.signal.ingest;

import dev.headroom.kit.error.FieldViolation;
import java.time.Instant;

/**
 * One submitted event before validation, in a transport-neutral shape (built from a proto {@code
 * UsageEvent} or from the HTTP JSON body).
 *
 * @param userId null when absent (proto {@code optional} unset / JSON key missing)
 * @param occurredAt null when missing or unreadable
 * @param payload null when absent; otherwise the parsed JSON value: {@code Map<String,Object>} for
 *     an object, or anything else (which fails validation). Values inside are String, Double,
 *     Boolean, null, List or Map.
 * @param decodeProblem the first field that was sent but could not be read as its type (a JSON
 *     number for a string id, a timestamp outside years 1..9999), its value left empty; the
 *     validator reports it at that field's turn. Field "" means the event as a whole. Null when
 *     every field was readable.
 */
public record IncomingEvent(
    String eventId,
    String accountId,
    String userId,
    Instant occurredAt,
    String kind,
    Object payload,
    FieldViolation decodeProblem) {

  /** An event none of whose fields could be read. */
  public static IncomingEvent undecodable(FieldViolation problem) {
    return new IncomingEvent("", "", null, null, "", null, problem);
  }

  /** What went wrong reading {@code field}, or null. */
  String problemAt(String field) {
    return decodeProblem != null && decodeProblem.field().equals(field)
        ? decodeProblem.description()
        : null;
  }
}
