package dev.headroom.plugin;

import java.time.Instant;
import java.util.Map;

/**
 * One usage event as the host recorded it, with the id that makes its retries idempotent.
 *
 * @param userId null for account-level events
 * @param payload string, number or boolean values by field name
 */
record UsageRecord(
    String eventId,
    String accountId,
    String userId,
    Instant occurredAt,
    String kind,
    Map<String, Object> payload) {}
