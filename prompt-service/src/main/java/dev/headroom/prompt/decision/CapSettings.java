package dev.headroom.prompt.decision;

import dev.headroom.kit.config.KitConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The global frequency caps per user and the cooldown after a dismissal. The defaults live in
 * {@code prompt.yaml} only.
 *
 * @param perDay at most this many prompts in any 24 h window; 0 disables it
 * @param perWeek at most this many in any 7-day window; 0 disables it
 */
public record CapSettings(int perDay, int perWeek, Duration dismissalCooldown) {
  public static final Duration DAY = Duration.ofDays(1);
  public static final Duration WEEK = Duration.ofDays(7);

  /** {@code caps.per-day}, {@code caps.per-week} and {@code caps.dismissal-cooldown}, required. */
  public static CapSettings from(KitConfig c) {
    return new CapSettings(
        c.integer("caps.per-day", 0, 1000),
        c.integer("caps.per-week", 0, 1000),
        c.duration("caps.dismissal-cooldown"));
  }

  /**
   * The caps as {@code prompt.yaml} ships them, without the environment: for tools and tests that
   * run a ledger without a configured service.
   */
  public static CapSettings defaults() {
    return from(
        KitConfig.load("prompt", "prompt.yaml", CapSettings.class.getClassLoader(), Map.of()));
  }
}
