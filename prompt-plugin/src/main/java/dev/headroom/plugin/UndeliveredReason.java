package dev.headroom.plugin;

/** Why events were given up without reaching the service. */
public enum UndeliveredReason {
  /** The in-memory buffer was full: the event was refused when it was recorded. */
  BUFFER_FULL,
  /** The batch kept failing with retryable errors until its retry budget ran out. */
  RETRIES_EXHAUSTED,
  /** The service refused the whole batch with a status that a retry cannot fix. */
  PERMANENT_ERROR,
  /** The client was closed before the events could be sent within the close timeout. */
  CLOSED
}
