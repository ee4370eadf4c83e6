package dev.headroom.signal.ingest;

/**
 * Why one event was not accepted.
 *
 * @param code the google.rpc.Code number the event alone would be answered with (3
 *     INVALID_ARGUMENT, 6 ALREADY_EXISTS)
 */
public record ItemProblem(int code, String reason, String field, String description) {
  public static final int INVALID_ARGUMENT = 3;
  public static final int ALREADY_EXISTS = 6;

  public static ItemProblem invalid(String field, String description) {
    return new ItemProblem(INVALID_ARGUMENT, "INVALID_ARGUMENT", field, description);
  }

  public static ItemProblem alreadyExists(String eventId) {
    return new ItemProblem(
        ALREADY_EXISTS,
        "ALREADY_EXISTS",
        "event_id",
        "event_id "
            + eventId
            + " was accepted before with different content; the first accepted event wins");
  }
}
