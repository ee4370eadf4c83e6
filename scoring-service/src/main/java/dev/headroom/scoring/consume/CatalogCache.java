package dev.headroom.scoring.consume;

import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.scoring.domain.PlanCatalog;
import dev.headroom.scoring.mapping.SnapshotMapper;
import dev.headroom.scoring.service.CatalogSource;
import io.grpc.Channel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * signal-service's catalog, read with GetCatalog and kept in memory: refreshed when an account
 * change arrives (subscriptions may name new plans), when a snapshot does not fit it, and
 * periodically (catalog edits change no account by themselves).
 */
public final class CatalogCache implements CatalogSource, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CatalogCache.class.getName());

  private final SignalServiceGrpc.SignalServiceBlockingStub stub;
  private final String coreProductKey;
  private final Duration deadline;
  private final ScheduledExecutorService timer;
  private volatile PlanCatalog current;
  private volatile long refreshedAtNanos;

  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public CatalogCache(
      Channel signal, String coreProductKey, Duration deadline, Duration refreshInterval) {
    this.stub = SignalServiceGrpc.newBlockingStub(signal);
    this.coreProductKey = coreProductKey;
    this.deadline = deadline;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "catalog-refresh");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, refreshInterval.toMillis());
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            refresh();
          } catch (RuntimeException e) {
            LOG.log(Level.FINE, "periodic catalog refresh failed; keeping the cached catalog", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public PlanCatalog current() {
    PlanCatalog c = current;
    if (c == null) {
      refresh();
      c = current;
    }
    return c;
  }

  @Override
  public synchronized void refresh() {
    var response =
        stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .getCatalog(GetCatalogRequest.getDefaultInstance());
    current = SnapshotMapper.catalog(response.getCatalog(), coreProductKey);
    refreshedAtNanos = System.nanoTime();
  }

  /**
   * Refreshes unless that happened within {@code minAge}: a burst of misfits costs one GetCatalog.
   */
  public void refreshIfOlderThan(Duration minAge) {
    if (current == null || System.nanoTime() - refreshedAtNanos > minAge.toNanos()) {
      refresh();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
