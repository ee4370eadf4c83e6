package dev.headroom.crm.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A connection's own request budget: {@code ratePerSecond} on average with bursts up to {@code
 * burst}, plus pauses the CRM asks for (its rate-limit headers). {@link #acquire()} blocks until a
 * request may go.
 */
public final class TokenBucket {
  private final double ratePerSecond;
  private final double burst;
  private final Clock clock;
  private double tokens;
  private Instant refilledAt;
  private Instant pausedUntil = Instant.MIN;

  public TokenBucket(double ratePerSecond, int burst, Clock clock) {
    if (ratePerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.refilledAt = clock.instant();
  }

  public void acquire() throws InterruptedException {
    while (true) {
      long waitMillis;
      synchronized (this) {
        Instant now = clock.instant();
        if (now.isBefore(pausedUntil)) {
          waitMillis = Duration.between(now, pausedUntil).toMillis() + 1;
        } else {
          double elapsed = Duration.between(refilledAt, now).toNanos() / 1e9;
          tokens = Math.min(burst, tokens + elapsed * ratePerSecond);
          refilledAt = now;
          if (tokens >= 1) {
            tokens -= 1;
            return;
          }
          waitMillis = (long) Math.ceil((1 - tokens) / ratePerSecond * 1000);
        }
      }
      Thread.sleep(Math.max(1, waitMillis));
    }
  }

  /** Until when the CRM asked for no requests ({@link Instant#MIN} when it never did). */
  public synchronized Instant pausedUntil() {
    return pausedUntil;
  }

  /** No request before {@code until} (a Retry-After, or an exhausted rate-limit window). */
  public synchronized void pauseUntil(Instant until) {
    if (until.isAfter(pausedUntil)) {
      pausedUntil = until;
    }
  }
}
