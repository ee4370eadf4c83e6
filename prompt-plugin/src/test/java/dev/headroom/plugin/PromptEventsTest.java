package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.kit.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Prompt events: batched, retried without double counting, bounded, and accounted for. */
class PromptEventsTest extends AgainstFakePromptService {
  private static HeadroomClient.Builder builder(String target) {
    return HeadroomClient.builder()
        .plaintext()
        .promptService(target)
        .signalService(target)
        .batching(8, Duration.ofMillis(20))
        .retry(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(1));
  }

  @Test
  void eventsOfAnOutageArriveOnceAfterRecoveryEvenWhenAnAnswerIsLost() {
    server.failReportsBeforeStoring.set(3);
    server.loseReportAnswers.set(1);
    HeadroomClient client = start(builder(server.target()));

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      ids.add(client.prompts().shown("d-" + i));
      ids.add(client.prompts().clicked("d-" + i));
      ids.add(client.prompts().dismissed("d-" + i));
      ids.add(client.prompts().converted("d-" + i, new Price("EUR", 1200)));
    }

    Await.until("all 20 delivered", () -> client.stats().promptEvents().delivered() == 20);
    assertEquals(ids, server.events.keySet(), "every event stored once, under the client's id");
    ClientStats.StreamStats s = client.stats().promptEvents();
    assertTrue(s.retries() >= 4, "three refused calls and one lost answer were retried: " + s);
    assertTrue(s.undelivered().isEmpty(), s.toString());
    PromptEvent converted =
        server.events.values().stream()
            .filter(
                e ->
                    e.getKind()
                        == dev.headroom.api.prompt.v1.PromptEventKind.PROMPT_EVENT_KIND_CONVERTED)
            .findFirst()
            .orElseThrow();
    assertEquals(1200, converted.getRevenue().getMinorUnits());
    assertEquals("EUR", converted.getRevenue().getCurrencyCode());
  }

  @Test
  void closeSendsWhatIsBuffered() {
    HeadroomClient client = builder(server.target()).batching(500, Duration.ofMinutes(10)).build();
    for (int i = 0; i < 30; i++) {
      client.prompts().shown("d-" + i);
    }

    client.close();

    assertEquals(30, server.events.size());
    assertEquals(30, client.stats().promptEvents().delivered());
  }

  @Test
  void eventsCloseCouldNotSendAreCountedAsClosedOnBothStreams() {
    String down = Loopback.deadTarget();
    HeadroomClient client = builder(down).closeTimeout(Duration.ofMillis(300)).build();
    client.prompts().dismissed("d-1");
    client.usage().featureUsed("acme", "u-1", "sso");

    client.close();

    assertEquals(1, client.stats().promptEvents().undelivered(UndeliveredReason.CLOSED));
    assertEquals(1, client.stats().usage().undelivered(UndeliveredReason.CLOSED));
    client.usage().userActive("acme", "u-1");
    assertEquals(2, client.stats().usage().undelivered(UndeliveredReason.CLOSED));
  }

  @Test
  void eventsThatCannotBeDeliveredWithinTheRetryBudgetAreCountedAndReported() {
    AtomicInteger reported = new AtomicInteger();
    HeadroomClient client =
        start(
            builder(Loopback.deadTarget())
                .retry(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(300))
                .listener(
                    new HeadroomListener() {
                      @Override
                      public void onEventsUndelivered(
                          EventStream stream, int count, UndeliveredReason reason) {
                        if (reason == UndeliveredReason.RETRIES_EXHAUSTED) {
                          reported.addAndGet(count);
                        }
                      }
                    }));
    for (int i = 0; i < 5; i++) {
      client.prompts().shown("d-" + i);
    }

    Await.until("the batch is given up", () -> reported.get() == 5);
    assertEquals(5, client.stats().promptEvents().undelivered(UndeliveredReason.RETRIES_EXHAUSTED));
  }

  @Test
  void bufferBoundHoldsUnderAFloodAndTheOverflowIsCounted() throws Exception {
    int capacity = 100;
    int batch = 8;
    HeadroomClient client =
        builder(Loopback.deadTarget())
            .bufferCapacity(capacity)
            .closeTimeout(Duration.ofMillis(200))
            .build();
    int threads = 4;
    int perThread = 5_000;
    AtomicLong mostBuffered = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> floods = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        floods.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    client.prompts().shown("d-" + i);
                    if (i % 100 == 0) {
                      mostBuffered.accumulateAndGet(
                          client.stats().promptEvents().buffered(), Math::max);
                    }
                  }
                }));
      }
      for (Future<?> f : floods) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    ClientStats.StreamStats during = client.stats().promptEvents();
    client.close();
    ClientStats.StreamStats after = client.stats().promptEvents();

    long total = (long) threads * perThread;
    assertTrue(mostBuffered.get() <= capacity + batch, "buffered " + mostBuffered.get());
    assertEquals(total, after.recorded());
    assertTrue(
        during.undelivered(UndeliveredReason.BUFFER_FULL) >= total - capacity - batch,
        during.toString());
    long undelivered = after.undelivered().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(
        total,
        after.delivered() + after.rejected() + undelivered,
        "every recorded event is accounted for: " + after);
    assertEquals(0, after.buffered());
  }
}
