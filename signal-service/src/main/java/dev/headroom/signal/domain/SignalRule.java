package dev.headroom.signal.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The configurable condition of one signal type: named thresholds (exact decimals) and windows.
 * Versioned data: an update produces a new version and takes effect at the next evaluation.
 */
public record SignalRule(
    SignalType type,
    boolean enabled,
    Map<String, BigDecimal> thresholds,
    Map<String, Duration> windows,
    long version,
    Instant updatedAt,
    String updatedBy) {

  public SignalRule {
    thresholds = Map.copyOf(thresholds);
    windows = Map.copyOf(windows);
  }

  public BigDecimal threshold(String name) {
    BigDecimal value = thresholds.get(name);
    if (value == null) {
      throw new IllegalStateException(type + " rule has no threshold '" + name + "'");
    }
    return value;
  }

  public Duration window(String name) {
    Duration value = windows.get(name);
    if (value == null) {
      throw new IllegalStateException(type + " rule has no window '" + name + "'");
    }
    return value;
  }
}
