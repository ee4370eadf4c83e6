package dev.headroom.prompt.context;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What signal-service knows about an account, as far as a prompt needs it.
 *
 * @param planByProduct the effective subscription's plan per product
 * @param attemptedFeatureKeys features with premium attempts in the last 30 days
 */
public record AccountUsage(
    String accountId,
    boolean activated,
    String locale,
    String currencyCode,
    Map<String, String> planByProduct,
    int seatsUsed,
    int seatsPurchased,
    int usersAddedQuarter,
    Set<String> attemptedFeatureKeys,
    List<MeterLevel> meters) {

  /** Billable seats: max(capacity, seats used). */
  public int billableSeats() {
    return Math.max(seatsPurchased, seatsUsed);
  }

  /** Extra seats to recommend: max(1, ⌈10 × used / 7⌉ − capacity), in integers. */
  public int recommendedSeats() {
    int needed = (int) ((10L * seatsUsed + 6) / 7);
    return Math.max(1, needed - seatsPurchased);
  }
}
