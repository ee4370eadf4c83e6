package dev.headroom.signal.ingest;

import java.time.Instant;

/**
 * One submitted event before validation, in a transport-neutral shape (built from a proto {@code
 * UsageEvent} or from the HTTP JSON body).
 *
 * @param userId null when absent (proto {@code optional} unset / JSON key missing)
 * @param occurredAt null when missing or unparseable
 * @param occurredAtProblem why {@code occurredAt} is null even though something was sent (bad RFC
 *     3339); null when it was simply missing
 * @param payload null when absent; otherwise the parsed JSON value: {@code Map<String,Object>} for
 *     an object, or anything else (which fails validation). Values inside are String, Double,
 *     Boolean, null, List or Map.
 */
public record IncomingEvent(
    String eventId,
    String accountId,
    String userId,
    Instant occurredAt,
    String occurredAtProblem,
    String kind,
    Object payload) {}
