package dev.headroom.app.loop;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One link of the loop: its failures say which link broke and what was last seen there, so a red
 * build names the service part to look at ("link 7 (GetPrompt returns the offer): no prompt for
 * acct-1: reason NO_MATCHING_CAMPAIGN").
 */
public record Link(String label, Duration bound) {
  /** A generous hang guard; links settle in seconds, a broken one never does. */
  private static final Duration BOUND = Duration.ofSeconds(60);

  public Link(int number, String name) {
    this("link " + number + " (" + name + ")", BOUND);
  }

  /**
   * Polls {@code observe} until {@code done} accepts what it returns, and returns that. A gRPC
   * error while polling counts as not done yet (a service may still be catching up).
   */
  public <T> T await(Supplier<T> observe, Predicate<T> done, Function<T, String> describe) {
    long deadline = System.nanoTime() + bound.toNanos();
    String last = "nothing observed yet";
    while (true) {
      try {
        T seen = observe.get();
        if (done.test(seen)) {
          return seen;
        }
        last = describe.apply(seen);
      } catch (StatusRuntimeException e) {
        last = "the call failed: " + e.getStatus();
      }
      if (System.nanoTime() > deadline) {
        throw fail(last);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw fail("interrupted; last seen: " + last);
      }
    }
  }

  /** Runs a step that must succeed at once (a write the link depends on). */
  public <T> T call(Supplier<T> step) {
    try {
      return step.get();
    } catch (StatusRuntimeException e) {
      throw fail("the call failed: " + e.getStatus());
    }
  }

  /** Fails the link unless {@code ok}. */
  public void check(boolean ok, String problem) {
    if (!ok) {
      throw fail(problem);
    }
  }

  public AssertionError fail(String problem) {
    return new AssertionError(label + ": " + problem);
  }
}
