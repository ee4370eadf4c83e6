package dev.headroom.kit.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a service's readiness checks periodically and on demand and tells listeners (the gRPC health
 * service) when readiness changes. The HTTP health endpoint calls {@link #checkNow()} so it reports
 * live state; the periodic run keeps the gRPC health status fresh without anyone asking.
 */
public final class ReadinessMonitor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ReadinessMonitor.class.getName());

  public record Report(boolean ready, List<CheckResult> results) {}

  private final List<ReadinessCheck> checks;
  private final Duration interval;
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private ScheduledExecutorService scheduler;
  private Boolean lastReady;
  private volatile boolean draining;

  public ReadinessMonitor(List<ReadinessCheck> checks, Duration interval) {
    this.checks = List.copyOf(checks);
    this.interval = interval;
  }

  public List<ReadinessCheck> checks() {
    return checks;
  }

  /** Listener receives the current state immediately and then every change. */
  public void addListener(Consumer<Boolean> listener) {
    synchronized (lock) {
      listeners.add(listener);
      if (lastReady != null) {
        listener.accept(lastReady);
      }
    }
  }

  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public void start() {
    synchronized (lock) {
      if (scheduler != null) {
        return;
      }
      // One daemon thread: checks are short and sequential, and a stuck check must not pile up more
      // threads.
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "readiness-monitor");
                t.setDaemon(true);
                return t;
              });
      scheduler.scheduleWithFixedDelay(
          this::checkQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void checkQuietly() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "readiness check failed unexpectedly", e);
    }
  }

  /**
   * Marks the service as going away: readiness stays false from now on, whatever the checks say.
   */
  public void drain() {
    draining = true;
    publish(false);
  }

  public Report checkNow() {
    List<CheckResult> results = new ArrayList<>(checks.size());
    boolean ready = !draining;
    for (ReadinessCheck check : checks) {
      CheckResult r;
      try {
        r = check.check();
      } catch (RuntimeException e) {
        r = CheckResult.down(check.name(), "check failed: " + e.getClass().getSimpleName());
      }
      results.add(r);
      ready &= r.up();
    }
    if (draining) {
      ready = false;
    }
    publish(ready);
    return new Report(ready, List.copyOf(results));
  }

  private void publish(boolean ready) {
    // Listeners run under the lock so two concurrent checks cannot deliver their results out of
    // order.
    synchronized (lock) {
      if (lastReady != null && lastReady == ready) {
        return;
      }
      lastReady = ready;
      LOG.info(() -> "readiness changed: " + (ready ? "READY" : "NOT READY"));
      for (Consumer<Boolean> l : listeners) {
        l.accept(ready);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (scheduler != null) {
        scheduler.shutdownNow();
        scheduler = null;
      }
    }
  }
}
