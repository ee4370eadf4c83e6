package dev.headroom.plugin;

/**
 * An event the service refused for its content (a missing field, an unknown feature key, an id
 * reused with other content). Retrying cannot help, so it is reported and not retried.
 *
 * @param eventId the event's id
 * @param field the first offending field, empty when the service named none
 * @param description the service's explanation, safe to log
 */
public record RejectedEvent(String eventId, String field, String description) {}
