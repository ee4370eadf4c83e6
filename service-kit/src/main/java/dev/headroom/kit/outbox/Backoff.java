package dev.headroom.kit.outbox;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter. Jitter spreads reconnects so that every consumer of a
 * restarted server does not come back in the same millisecond.
 *
 * @param jitter fraction of the delay that is randomized, 0..1 (1 = "full jitter")
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {
  public Backoff {
    if (initial.isNegative()
        || initial.isZero()
        || max.compareTo(initial) < 0
        || multiplier < 1
        || jitter < 0
        || jitter > 1) {
      throw new IllegalArgumentException(
          "invalid backoff " + initial + ".." + max + " x" + multiplier);
    }
  }

  public static Backoff defaults() {
    return new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.5);
  }

  public Duration delay(int attempt, RandomGenerator random) {
    double base = (double) initial.toMillis() * Math.pow(multiplier, Math.min(attempt, 30));
    double capped = Math.min(base, (double) max.toMillis());
    double withJitter = capped * (1 - jitter * random.nextDouble());
    return Duration.ofMillis(Math.max(1, (long) withJitter));
  }
}
