package dev.headroom.plugin;

import java.time.Instant;

/**
 * One prompt event as the host reported it, with the id that makes its retries idempotent.
 *
 * @param revenue CONVERTED only; null otherwise
 * @param accountId for conversions without a decision; empty otherwise
 * @param userId for conversions without a decision; empty otherwise
 */
record PromptEventRecord(
    String eventId,
    String decisionId,
    PromptEventKind kind,
    Instant occurredAt,
    Price revenue,
    String accountId,
    String userId) {}
