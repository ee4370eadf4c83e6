package dev.headroom.signal.ingest;

import dev.headroom.kit.error.Reason;
import io.grpc.Status;

/**
 * Why one event was not accepted.
 *
 * @param code the status the event alone would be answered with
 */
public record ItemProblem(Status.Code code, Reason reason, String field, String description) {

  public static ItemProblem invalid(String field, String description) {
    return new ItemProblem(
        Status.Code.INVALID_ARGUMENT, Reason.INVALID_ARGUMENT, field, description);
  }

  public static ItemProblem alreadyExists(String eventId) {
    return new ItemProblem(
        Status.Code.ALREADY_EXISTS,
        Reason.ALREADY_EXISTS,
        "event_id",
        "event_id "
            + eventId
            + " was accepted before with different content; the first accepted event wins");
  }
}
