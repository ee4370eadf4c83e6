package dev.headroom.signal.ingest;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How busy the ingest path is, and the rule by which background work (rule evaluation, rollup
 * compaction) gives way to it.
 *
 * <p>Ingestion is what clients wait on; evaluation and compaction coalesce and catch up. When they
 * compete for the same few cores, each background round is followed by a pause that caps the
 * background worker at {@code share} of its time, but only while ingest is saturated: on average at
 * least {@code saturatedConcurrency} batches in flight over the last second. Outside a firehose the
 * pause is zero, so detection lag at normal load is unchanged; during one, background work still
 * progresses at its share and catches up afterwards.
 */
public final class IngestLoad {

  /**
   * @param share the fraction of its time a background worker may work while ingest is saturated (0
   *     < share <= 1; 1 never pauses)
   * @param saturatedConcurrency the mean number of ingest batches in flight from which ingest
   *     counts as saturated
   */
  public record Settings(double share, double saturatedConcurrency) {
    public Settings {
      if (!(share > 0 && share <= 1) || !(saturatedConcurrency > 0)) {
        throw new IllegalArgumentException("share must be in (0, 1] and saturatedConcurrency > 0");
      }
    }
  }

  /** Gives no way at all: for tests and tools that have no ingest path. */
  public static final IngestLoad NONE = new IngestLoad(new Settings(1.0, Double.POSITIVE_INFINITY));

  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** The longest single pause, so that a closing worker is not held long. */
  private static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Settings settings;
  private final LongSupplier nanoTime;

  /**
   * Sum of the durations of finished ingest batches: its growth per second is the mean batches in
   * flight.
   */
  private final AtomicLong busyNanos = new AtomicLong();

  private final AtomicLong pausedNanos = new AtomicLong();
  private volatile Sample last;
  private volatile boolean saturated;

  private record Sample(long at, long busyNanos) {}

  public IngestLoad(Settings settings) {
    this(settings, System::nanoTime);
  }

  IngestLoad(Settings settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.last = new Sample(nanoTime.getAsLong(), 0);
  }

  /** Called once per finished ingest batch with its duration. */
  void batchFinished(long nanos) {
    busyNanos.addAndGet(nanos);
  }

  /** Whether ingest was saturated over the last completed window of about a second. */
  public boolean saturated() {
    long now = nanoTime.getAsLong();
    Sample s = last;
    if (now - s.at() >= WINDOW_NANOS) {
      long busy = busyNanos.get();
      saturated = busy - s.busyNanos() >= settings.saturatedConcurrency() * (now - s.at());
      last = new Sample(now, busy);
    }
    return saturated;
  }

  /**
   * The pause a background worker takes after a round that took {@code workNanos}: zero unless
   * ingest is saturated, else enough to keep the worker at {@code share} of its time (at most 5 s).
   */
  public long pauseAfterNanos(long workNanos) {
    double share = settings.share();
    if (share >= 1 || !saturated()) {
      return 0;
    }
    return Math.min(MAX_PAUSE_NANOS, (long) (workNanos * (1 - share) / share));
  }

  /**
   * Registers {@code signal.ingest.saturated} (1 while background work gives way) and the pause
   * time it took.
   */
  public void registerMetrics(MeterRegistry registry) {
    Gauge.builder("signal.ingest.saturated", this, l -> l.saturated() ? 1 : 0)
        .description(
            "1 while ingest is saturated and background work (evaluation, rollup folding) gives"
                + " way")
        .register(registry);
    FunctionCounter.builder("signal.background.paused", pausedNanos, n -> n.get() / 1e9)
        .description(
            "Time evaluator and rollup compactor spent pausing for a saturated ingest path")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * Sleeps {@link #pauseAfterNanos(long)}; returns false if interrupted (the interrupt flag is set
   * again).
   */
  public boolean yieldAfter(long workNanos) {
    long pause = pauseAfterNanos(workNanos);
    if (pause <= 0) {
      return true;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(pause);
      pausedNanos.addAndGet(pause);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
