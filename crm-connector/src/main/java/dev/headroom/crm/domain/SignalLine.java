package dev.headroom.crm.domain;

import java.time.Instant;

/**
 * One active signal as sales reads it.
 *
 * @param type the signal type name without prefix, e.g. {@code SEAT_UTILIZATION_HIGH}
 * @param evidence the human-readable evidence, e.g. "17 of 20 seats used (85%) >= 80%"
 */
public record SignalLine(String type, Instant since, String evidence) {}
