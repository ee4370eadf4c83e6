package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a WatchAccountChanges consumer (scoring) sees when an account's metrics change many times in
 * a burst: metrics-only changes are announced at most once per debounce window, and the last state
 * is always announced.
 */
class MetricsDebounceTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final Duration WINDOW = Duration.ofSeconds(4);

  @Test
  void aBurstOfMetricsChangesIsAnnouncedAtMostOncePerWindowAndEndsWithTheLastState()
      throws Exception {
    try (SignalTestSupport svc =
        SignalTestSupport.start(
            SignalTestSupport.config(
                PG.database(),
                Map.of("HEADROOM_SIGNAL_EVALUATION_METRICS_DEBOUNCE", WINDOW.toMillis() + "ms")),
            Clock.systemUTC())) {
      svc.seedCatalog();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      String acct = "burst";
      svc.putAccount(acct, "pro", 10, now.minus(40, ChronoUnit.DAYS));
      svc.stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId(acct).build());
      long cursor = svc.lastCursor();
      try (SignalTestSupport.Watch watch = svc.watch(cursor)) {
        // Five batches in a row, each bringing one more active user: five metrics-only changes.
        long start = System.nanoTime();
        for (int i = 1; i <= 5; i++) {
          assertEquals(
              1,
              svc.stub
                  .ingestEvents(
                      IngestEventsRequest.newBuilder()
                          .addEvents(
                              SignalTestSupport.event(
                                  "burst-" + i,
                                  acct,
                                  "user-" + i,
                                  now.minusSeconds(60),
                                  "USER_ACTIVE",
                                  Map.of()))
                          .build())
                  .getAcceptedCount());
          TimeUnit.MILLISECONDS.sleep(100);
        }
        long burst = System.nanoTime() - start;

        List<WatchAccountChangesResponse> metrics = new ArrayList<>();
        long deadline = System.nanoTime() + WINDOW.multipliedBy(3).toNanos();
        while (System.nanoTime() < deadline
            && (metrics.isEmpty()
                || metrics.get(metrics.size() - 1).getSnapshot().getActiveUsers30D() < 5)) {
          WatchAccountChangesResponse c = watch.changes.poll(200, TimeUnit.MILLISECONDS);
          if (c != null && c.getAccountId().equals(acct)) {
            assertEquals(
                ChangeKind.CHANGE_KIND_METRICS, c.getKind(), "nothing but metrics changed");
            metrics.add(c);
          }
        }
        assertTrue(!metrics.isEmpty(), "the burst was announced");
        assertEquals(
            5,
            metrics.get(metrics.size() - 1).getSnapshot().getActiveUsers30D(),
            "the last announcement carries the final state");
        if (burst < WINDOW.toNanos()) {
          assertTrue(
              metrics.size() <= 2,
              "a burst shorter than the window is announced at most twice"
                  + " (at once, then at the window's end), got "
                  + metrics.size());
        }
        WatchAccountChangesResponse extra =
            watch.changes.poll(WINDOW.toMillis() + 1000, TimeUnit.MILLISECONDS);
        assertTrue(extra == null, "nothing is announced once the last state was");
      }
    }
  }
}
