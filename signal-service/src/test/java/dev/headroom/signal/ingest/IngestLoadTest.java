package dev.headroom.signal.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When background work gives way to ingestion, and by how much. */
class IngestLoadTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final IngestLoad load = new IngestLoad(new IngestLoad.Settings(0.25, 2), now::get);

  /** {@code batches} batches of {@code eachMs} finish within the next second. */
  private void second(int batches, long eachMs) {
    for (int i = 0; i < batches; i++) {
      load.batchFinished(eachMs * MS);
    }
    now.addAndGet(1_000 * MS);
  }

  @Test
  void backgroundWorkNeverPausesAtNormalLoad() {
    second(10, 30); // 0.3 batches in flight on average: a busy but not saturated service
    assertFalse(load.saturated());
    assertEquals(0, load.pauseAfterNanos(400 * MS));
  }

  @Test
  void underAFirehoseBackgroundWorkKeepsToItsShare() {
    second(28, 130); // four clients back to back: 3.6 batches in flight on average
    assertTrue(load.saturated());
    // 25 %: 100 ms of work, then 300 ms of pause.
    assertEquals(300 * MS, load.pauseAfterNanos(100 * MS));
    // A long round does not hold a worker (or a shutdown) for more than 5 s.
    assertEquals(5_000 * MS, load.pauseAfterNanos(10_000 * MS));
  }

  @Test
  void theGivingWayEndsWithTheFirehose() {
    second(28, 130);
    assertTrue(load.saturated());
    second(0, 0);
    assertFalse(load.saturated());
    assertEquals(0, load.pauseAfterNanos(100 * MS));
  }

  @Test
  void theStateIsOnlyRecomputedOncePerWindow() {
    second(28, 130);
    assertTrue(load.saturated());
    now.addAndGet(
        500 * MS); // half a window later, nothing new finished: still the last window's verdict
    assertTrue(load.saturated());
  }

  @Test
  void aFullShareTurnsTheRuleOff() {
    IngestLoad off = new IngestLoad(new IngestLoad.Settings(1.0, 2), now::get);
    for (int i = 0; i < 40; i++) {
      off.batchFinished(130 * MS);
    }
    now.addAndGet(1_000 * MS);
    assertEquals(0, off.pauseAfterNanos(100 * MS));
    assertEquals(0, IngestLoad.NONE.pauseAfterNanos(100 * MS));
  }

  @Test
  void rejectsShareOutsideZeroToOne() {
    assertThrows(IllegalArgumentException.class, () -> new IngestLoad.Settings(0, 2));
    assertThrows(IllegalArgumentException.class, () -> new IngestLoad.Settings(1.5, 2));
    assertThrows(IllegalArgumentException.class, () -> new IngestLoad.Settings(0.5, 0));
  }
}
