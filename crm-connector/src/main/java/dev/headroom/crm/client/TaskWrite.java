package dev.headroom.crm.client;

import java.time.LocalDate;

/**
 * A task to create on an account for its owner.
 *
 * @param key the idempotency key, stored on the task so a retry finds it instead of creating a
 *     second
 * @param description the usage narrative
 * @param mayExist an earlier attempt may have created it: look for a task with its key first
 */
public record TaskWrite(
    String key,
    String accountId,
    String accountCrmId,
    String subject,
    String description,
    LocalDate dueDate,
    boolean mayExist) {}
