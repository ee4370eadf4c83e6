package dev.headroom.signal.evaluation;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.signal.catalog.AccountService;
import dev.headroom.signal.catalog.CatalogService;
import dev.headroom.signal.db.EventPartitions;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Time-based work: re-evaluates every account periodically (windows slide and sustain periods
 * elapse without any event), re-reads catalog and rules so several instances converge, keeps the
 * next days' raw event partitions ready and drops partitions out of retention.
 */
public final class EvaluationScheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EvaluationScheduler.class.getName());
  private static final int PAGE = 1_000;

  public record Settings(
      Duration sweepInterval,
      Duration firstSweepDelay,
      Duration refreshInterval,
      Duration rawRetention) {}

  /** Result of an on-demand evaluation. */
  public record Summary(int accountsEvaluated, int signalsChanged) {}

  private final AccountService accounts;
  private final CatalogService catalog;
  private final RuleService rules;
  private final EvaluationQueue queue;
  private final EventPartitions partitions;
  private final Clock clock;
  private final Settings settings;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "signal-scheduler");
            t.setDaemon(true);
            return t;
          });
  private final int chunk;

  public EvaluationScheduler(
      AccountService accounts,
      CatalogService catalog,
      RuleService rules,
      EvaluationQueue queue,
      EventPartitions partitions,
      Clock clock,
      Settings settings,
      int queueCapacity) {
    this.accounts = accounts;
    this.catalog = catalog;
    this.rules = rules;
    this.queue = queue;
    this.partitions = partitions;
    this.clock = clock;
    this.settings = settings;
    this.chunk = Math.max(1, Math.min(PAGE, queueCapacity / 2));
  }

  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public EvaluationScheduler start() {
    scheduler.scheduleWithFixedDelay(
        quietly("sweep", this::sweep),
        settings.firstSweepDelay().toMillis(),
        settings.sweepInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        quietly("refresh", this::refresh),
        settings.refreshInterval().toMillis(),
        settings.refreshInterval().toMillis(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(quietly("maintenance", this::maintain), 0, 1, TimeUnit.HOURS);
    return this;
  }

  private static Runnable quietly(String what, Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING, "scheduled " + what + " failed; it runs again at its next period", e);
      }
    };
  }

  /** Marks every created account dirty (the workers pick them up as they can). */
  public int sweep() {
    rules.reload();
    int n = 0;
    String after = "";
    while (true) {
      List<String> ids = accounts.createdIds(after, PAGE);
      for (String id : ids) {
        queue.mark(id);
        n++;
      }
      if (ids.size() < PAGE) {
        return n;
      }
      after = ids.get(ids.size() - 1);
    }
  }

  /**
   * Re-evaluation triggered by a catalog or rule change: runs on the scheduler thread, not the
   * caller's.
   */
  public void sweepSoon() {
    try {
      scheduler.execute(quietly("sweep", this::sweep));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.fine("scheduler stopped; sweep skipped");
    }
  }

  private void refresh() {
    catalog.reload();
    rules.reload();
  }

  private void maintain() {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    partitions.ensure(List.of(today, today.plusDays(1), today.plusDays(2)));
    partitions.dropBefore(
        LocalDate.ofInstant(clock.instant().minus(settings.rawRetention()), ZoneOffset.UTC));
  }

  /**
   * EvaluateSignals: one account, or all when {@code accountId} is empty; waits until they were
   * evaluated.
   */
  public Summary evaluateNow(String accountId, Duration timeout) {
    if (!accountId.isEmpty()) {
      if (accounts.find(accountId).isEmpty()) {
        throw new DomainException.NotFound("account", accountId);
      }
      AccountEvaluator.Outcome o = await(List.of(queue.evaluateSoon(accountId)), timeout).get(0);
      return new Summary(1, o.signalsChanged());
    }
    rules.reload();
    long deadline = System.nanoTime() + timeout.toNanos();
    int evaluated = 0;
    int changed = 0;
    String after = "";
    while (true) {
      List<String> ids = accounts.createdIds(after, chunk);
      List<CompletableFuture<AccountEvaluator.Outcome>> fs = new ArrayList<>();
      for (String id : ids) {
        fs.add(queue.evaluateSoon(id));
      }
      for (AccountEvaluator.Outcome o :
          await(fs, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        evaluated++;
        changed += o.signalsChanged();
      }
      if (ids.size() < chunk) {
        return new Summary(evaluated, changed);
      }
      after = ids.get(ids.size() - 1);
    }
  }

  private static List<AccountEvaluator.Outcome> await(
      List<CompletableFuture<AccountEvaluator.Outcome>> fs, Duration timeout) {
    try {
      CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new DomainException.Unavailable(
          Reason.EVALUATION_TIMEOUT,
          "evaluation is still running; it will complete in the background",
          Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DomainException.Unavailable(
          Reason.SHUTTING_DOWN, "interrupted while waiting for the evaluation", null);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof DomainException de) {
        throw de;
      }
      throw new CompletionException(e.getCause());
    }
    return fs.stream().map(CompletableFuture::join).toList();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
