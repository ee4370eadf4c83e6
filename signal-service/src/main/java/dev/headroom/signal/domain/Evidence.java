package dev.headroom.signal.domain;

import java.math.BigDecimal;

/**
 * One measured value behind a signal, next to the threshold it was compared with.
 *
 * @param threshold null when the value is context rather than a comparison
 */
public record Evidence(String metric, BigDecimal value, BigDecimal threshold, String description) {}
