package dev.headroom.kit.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for an eventual condition (a notification delivered, a reconnect done). The bound is a hang
 * guard, not an assertion about speed: it is generous and the test fails only if the condition
 * never holds.
 */
public final class Await {
  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, Duration.ofSeconds(60), condition);
  }

  public static void until(String what, Duration bound, BooleanSupplier condition) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition never became true: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
