package dev.headroom.signal.ingest;

/**
 * The outcome of one event of a batch; {@code problem} is set exactly when the outcome is REJECTED.
 */
public record EventResult(int index, String eventId, Outcome outcome, ItemProblem problem) {
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    REJECTED
  }
}
