package dev.headroom.plugin;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of {@code
 * min(max, base * 2^(n-1))}, so clients that failed together do not retry together.
 */
final class Backoff {
  private final long baseNanos;
  private final long maxNanos;

  Backoff(Duration base, Duration max) {
    this.baseNanos = Math.max(1, base.toNanos());
    this.maxNanos = Math.max(baseNanos, max.toNanos());
  }

  long delayNanos(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 40);
    long cap = baseNanos > (maxNanos >> doublings) ? maxNanos : baseNanos << doublings;
    long half = cap / 2;
    return half + ThreadLocalRandom.current().nextLong(cap - half + 1);
  }
}
