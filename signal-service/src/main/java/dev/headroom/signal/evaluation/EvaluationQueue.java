package dev.headroom.signal.evaluation;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.signal.ingest.IngestLoad;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bounded background evaluator. Accounts are marked dirty after an ingest commit (or an
 * account, catalog or rule change); each dirty account is queued once however many times it is
 * marked before it is evaluated (coalescing). Accounts are striped over the worker threads by id,
 * so one account is never evaluated by two threads at once and its evaluations run in order.
 *
 * <p>Metrics-only changes are debounced per account: at most one METRICS announcement per {@code
 * metricsDebounce}; a change inside the window is re-checked when the window ends, so the last
 * state is always announced.
 *
 * <p>When a stripe's queue is full the mark is dropped and counted: the periodic sweep re-evaluates
 * every account, so nothing is lost for good, only late.
 */
public final class EvaluationQueue implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EvaluationQueue.class.getName());

  public record Settings(int threads, int queueCapacity, Duration metricsDebounce) {
    public Settings {
      if (threads < 1 || queueCapacity < 1) {
        throw new IllegalArgumentException("threads and queueCapacity must be >= 1");
      }
    }
  }

  /**
   * First commit (nanoTime) not yet reflected by an evaluation of the account; 0 when unknown
   * (sweeps).
   */
  private final Map<String, Long> dirty = new ConcurrentHashMap<>();

  private final Map<String, List<CompletableFuture<AccountEvaluator.Outcome>>> waiters =
      new ConcurrentHashMap<>();
  private final Map<String, Long> lastMetricsPublish = new ConcurrentHashMap<>();
  private final Map<String, Boolean> deferred = new ConcurrentHashMap<>();

  /**
   * Dirty accounts a worker takes at once: evaluated one by one, stored in one transaction (one
   * commit).
   */
  static final int BATCH = 32;

  private final List<BlockingQueue<String>> stripes = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final ScheduledExecutorService timers;
  private final AccountEvaluator evaluator;
  private final IngestLoad ingestLoad;
  private final Settings settings;
  private final Timer detectionLag;
  private final Timer evaluationTime;
  private final Counter dropped;
  private final Counter failures;
  private volatile boolean running = true;

  public EvaluationQueue(
      AccountEvaluator evaluator,
      Settings settings,
      IngestLoad ingestLoad,
      MeterRegistry registry) {
    this.evaluator = evaluator;
    this.ingestLoad = ingestLoad;
    this.settings = settings;
    int perStripe = Math.max(1, settings.queueCapacity() / settings.threads());
    for (int i = 0; i < settings.threads(); i++) {
      BlockingQueue<String> q = new ArrayBlockingQueue<>(perStripe);
      stripes.add(q);
      Thread t = new Thread(() -> work(q), "signal-evaluator-" + i);
      t.setDaemon(true);
      workers.add(t);
    }
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "signal-evaluator-debounce");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.timers = timer;
    this.detectionLag =
        Timer.builder("signal.detection.lag")
            .description("From the commit of an event to the persisted signal change it caused")
            .publishPercentileHistogram()
            .register(registry);
    this.evaluationTime =
        Timer.builder("signal.rule.evaluations")
            .description("Account evaluations (all rules of one account) and their duration")
            .publishPercentileHistogram()
            .register(registry);
    this.dropped =
        Counter.builder("signal.evaluator.dropped")
            .description("Dirty marks dropped because the queue was full (the sweep catches up)")
            .register(registry);
    this.failures =
        Counter.builder("signal.evaluator.failures")
            .description("Evaluations that failed (retried by the next mark or sweep)")
            .register(registry);
    registry.gauge("signal.evaluator.queue.depth", this, EvaluationQueue::depth);
    registry.gauge("signal.evaluator.dirty.accounts", dirty, Map::size);
  }

  public EvaluationQueue start() {
    workers.forEach(Thread::start);
    return this;
  }

  public int depth() {
    int n = 0;
    for (BlockingQueue<String> q : stripes) {
      n += q.size();
    }
    return n;
  }

  /** Marks accounts changed by a commit at {@code commitNanos} (System.nanoTime). */
  public void markDirty(Collection<String> accountIds, long commitNanos) {
    for (String id : accountIds) {
      mark(id, commitNanos);
    }
  }

  /** Marks one account without a commit time (sweeps, catalog and rule changes). */
  public boolean mark(String accountId) {
    return mark(accountId, 0L);
  }

  private boolean mark(String accountId, long commitNanos) {
    if (!running) {
      return false;
    }
    // putIfAbsent reads a present key without locking its bin (compute always locks): under a
    // firehose most
    // accounts of a batch are still queued from an earlier one.
    Long prev = dirty.putIfAbsent(accountId, commitNanos);
    if (prev != null) {
      if (prev == 0L && commitNanos != 0L) {
        dirty.replace(accountId, 0L, commitNanos); // keep the earliest known commit
      }
      return true;
    }
    if (!stripe(accountId).offer(accountId)) {
      dirty.remove(accountId);
      dropped.increment();
      return false;
    }
    return true;
  }

  /** Evaluates one account as soon as its worker gets to it; completes when it was evaluated. */
  public CompletableFuture<AccountEvaluator.Outcome> evaluateSoon(String accountId) {
    CompletableFuture<AccountEvaluator.Outcome> f = new CompletableFuture<>();
    waiters.computeIfAbsent(accountId, k -> new CopyOnWriteArrayList<>()).add(f);
    if (!mark(accountId)) {
      waiters.computeIfPresent(
          accountId,
          (k, l) -> {
            l.removeIf(waiter -> waiter == f);
            return l.isEmpty() ? null : l;
          });
      f.completeExceptionally(
          new DomainException.ResourceExhausted(
              Reason.SERVER_OVERLOADED,
              "the evaluator queue is full; retry later",
              Duration.ofSeconds(5)));
    }
    return f;
  }

  private BlockingQueue<String> stripe(String accountId) {
    return stripes.get(Math.floorMod(accountId.hashCode(), stripes.size()));
  }

  private void work(BlockingQueue<String> q) {
    while (running) {
      String id;
      try {
        id = q.poll(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (id == null) {
        continue;
      }
      List<String> ids = new ArrayList<>(BATCH);
      ids.add(id);
      q.drainTo(ids, BATCH - 1);
      Map<String, Long> commits = new java.util.HashMap<>();
      Map<String, List<CompletableFuture<AccountEvaluator.Outcome>>> ws = new java.util.HashMap<>();
      for (String x : ids) {
        Long commit = dirty.remove(x);
        commits.put(x, commit == null ? 0L : commit);
        List<CompletableFuture<AccountEvaluator.Outcome>> w = waiters.remove(x);
        if (w != null) {
          ws.put(x, w);
        }
      }
      long start = System.nanoTime();
      Map<String, Object> results;
      try {
        results =
            evaluator.evaluateAndPersistAll(
                ids, x -> now -> mayPublishMetrics(x, now), x -> commits.get(x) != 0L);
      } catch (RuntimeException e) {
        results = new java.util.HashMap<>();
        for (String x : ids) {
          results.put(x, e);
        }
      }
      long end = System.nanoTime();
      long each = (end - start) / ids.size();
      for (String x : ids) {
        Object r = results.get(x);
        List<CompletableFuture<AccountEvaluator.Outcome>> w = ws.get(x);
        if (r instanceof AccountEvaluator.Outcome o) {
          evaluationTime.record(each, TimeUnit.NANOSECONDS);
          long commit = commits.get(x);
          if (o.signalsChanged() > 0 && commit != 0L) {
            detectionLag.record(end - commit, TimeUnit.NANOSECONDS);
          }
          if (o.published() == AccountChange.Kind.METRICS) {
            lastMetricsPublish.put(x, end);
          }
          if (w != null) {
            w.forEach(f -> f.complete(o));
          }
        } else {
          RuntimeException e =
              r instanceof RuntimeException re
                  ? re
                  : new IllegalStateException("no evaluation result for an account");
          failures.increment();
          LOG.log(
              Level.WARNING,
              "evaluation of an account failed; it will be retried by the next sweep",
              e);
          if (w != null) {
            w.forEach(f -> f.completeExceptionally(e));
          }
        }
      }
      if (!ingestLoad.yieldAfter(end - start)) {
        return; // interrupted: closing
      }
    }
  }

  /**
   * Debounce: a metrics-only change may be announced once per window; otherwise re-check at the
   * window's end.
   */
  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  private boolean mayPublishMetrics(String accountId, long nowNanos) {
    Long last = lastMetricsPublish.get(accountId);
    long window = settings.metricsDebounce().toNanos();
    if (last == null || nowNanos - last >= window) {
      return true;
    }
    if (deferred.putIfAbsent(accountId, Boolean.TRUE) == null) {
      long delay = window - (nowNanos - last);
      try {
        timers.schedule(
            () -> {
              deferred.remove(accountId);
              mark(accountId);
            },
            delay,
            TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        deferred.remove(accountId);
      }
    }
    return false;
  }

  @Override
  public void close() {
    running = false;
    timers.shutdownNow();
    for (Thread t : workers) {
      t.interrupt();
    }
    for (Thread t : workers) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    waiters
        .values()
        .forEach(
            l ->
                l.forEach(
                    f ->
                        f.completeExceptionally(
                            new DomainException.Unavailable(
                                Reason.SHUTTING_DOWN, "the service is shutting down", null))));
  }
}
