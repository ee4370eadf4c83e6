package dev.headroom.prompt.context;

import java.math.BigDecimal;

/** A meter's value against the core plan's limit (limit 0: unlimited). */
public record MeterLevel(String meterKey, BigDecimal value, long limit) {
  /** Exact: value ≥ threshold × limit, for a limited meter. */
  public boolean atLeast(BigDecimal threshold) {
    return limit > 0 && value.compareTo(threshold.multiply(BigDecimal.valueOf(limit))) >= 0;
  }
}
