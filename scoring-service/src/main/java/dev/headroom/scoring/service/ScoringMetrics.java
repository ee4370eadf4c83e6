package dev.headroom.scoring.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The service's own meters (RPC meters come from the kit). */
public final class ScoringMetrics {
  private final Counter computedOnChange;
  private final Counter computedOnRescore;
  private final Counter historyRows;
  private final Counter published;
  private final Counter unscorable;
  private final Timer changeToPublish;
  private final Timer rescoreBatch;
  private final AtomicLong rescoreTotal = new AtomicLong();
  private final AtomicLong rescoreDone = new AtomicLong();
  private final AtomicLong rescoreVersion = new AtomicLong();

  public ScoringMetrics(MeterRegistry registry) {
    computedOnChange =
        Counter.builder("scoring.scores.computed")
            .tag("trigger", "signal_change")
            .description("Scores computed")
            .register(registry);
    computedOnRescore =
        Counter.builder("scoring.scores.computed")
            .tag("trigger", "rescore")
            .description("Scores computed")
            .register(registry);
    historyRows =
        Counter.builder("scoring.history.rows.written")
            .description("Score history rows written (material changes)")
            .register(registry);
    published =
        Counter.builder("scoring.changes.published")
            .description("Score changes appended to the WatchScores outbox")
            .register(registry);
    unscorable =
        Counter.builder("scoring.snapshots.unscorable")
            .description(
                "Snapshots that could not be scored (provisional account, catalog mismatch)")
            .register(registry);
    changeToPublish =
        Timer.builder("scoring.signal_change_to_publish.latency")
            .description("From signal-service's changed_at to the commit of the WatchScores entry")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    rescoreBatch =
        Timer.builder("scoring.rescore.batch.duration")
            .description("One re-score batch")
            .register(registry);
    Gauge.builder("scoring.rescore.accounts.total", rescoreTotal, AtomicLong::get)
        .register(registry);
    Gauge.builder("scoring.rescore.accounts.done", rescoreDone, AtomicLong::get).register(registry);
    Gauge.builder("scoring.rescore.model.version", rescoreVersion, AtomicLong::get)
        .register(registry);
  }

  void computed(boolean rescore, long n) {
    (rescore ? computedOnRescore : computedOnChange).increment((double) n);
  }

  void historyRows(long n) {
    historyRows.increment((double) n);
  }

  void published(long n) {
    published.increment((double) n);
  }

  void unscorable() {
    unscorable.increment();
  }

  void changeToPublish(Duration d) {
    if (!d.isNegative()) {
      changeToPublish.record(d);
    }
  }

  void rescoreBatch(Duration d) {
    rescoreBatch.record(d);
  }

  void rescoreStarted(long version, long total) {
    rescoreVersion.set(version);
    rescoreTotal.set(total);
    rescoreDone.set(0);
  }

  void rescoreProgress(long done) {
    rescoreDone.addAndGet(done);
  }

  public Timer changeToPublishTimer() {
    return changeToPublish;
  }
}
