package dev.headroom.signal.ingest;

import dev.headroom.kit.error.Reason;

/**
 * Why one event was not accepted. The status code the event alone would be answered with follows
 * from the reason ({@code ErrorMapper.codeOf}), so the edge derives it and the ingest path stays
 * free of wire types.
 */
public record ItemProblem(Reason reason, String field, String description) {

  public static ItemProblem invalid(String field, String description) {
    return new ItemProblem(Reason.INVALID_ARGUMENT, field, description);
  }

  public static ItemProblem alreadyExists(String eventId) {
    return new ItemProblem(
        Reason.ALREADY_EXISTS,
        "event_id",
        "event_id "
            + eventId
            + " was accepted before with different content; the first accepted event wins");
  }
}
