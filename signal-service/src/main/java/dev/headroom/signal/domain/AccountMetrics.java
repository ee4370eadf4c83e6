package dev.headroom.signal.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The metrics of one account at one instant that scoring and prompts need (the usage snapshot).
 *
 * @param activatedAt null while not activated
 * @param attemptedFeatureKeys30d core features with premium attempts in the trailing 30 days
 */
public record AccountMetrics(
    int seatsUsed,
    int seatsPurchased,
    int activeUsers7d,
    int activeUsers30d,
    int activeDays28,
    int engagementScore,
    int premiumAttempts14d,
    int premiumAttempts30d,
    int newUsers30d,
    int newUsers90d,
    int workflowsCompleted30d,
    List<MeterValue> meters,
    List<String> attemptedFeatureKeys30d,
    boolean activated,
    Instant activatedAt) {

  /**
   * A limited meter's value against the core plan's limit (limit 0 = unlimited, still reported).
   */
  public record MeterValue(String meterKey, BigDecimal value, long limit) {}

  public AccountMetrics {
    meters = List.copyOf(meters);
    attemptedFeatureKeys30d = List.copyOf(attemptedFeatureKeys30d);
  }
}
