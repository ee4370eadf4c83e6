package dev.headroom.prompt.decision;

import java.time.Duration;

/**
 * The global frequency caps per user and the cooldown after a dismissal.
 *
 * @param perDay at most this many prompts in any 24 h window; 0 disables it
 * @param perWeek at most this many in any 7-day window; 0 disables it
 */
public record CapSettings(int perDay, int perWeek, Duration dismissalCooldown) {
  public static final Duration DAY = Duration.ofDays(1);
  public static final Duration WEEK = Duration.ofDays(7);

  public static CapSettings defaults() {
    return new CapSettings(1, 3, Duration.ofDays(14));
  }
}
