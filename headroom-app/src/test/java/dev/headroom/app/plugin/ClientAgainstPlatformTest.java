package dev.headroom.app.plugin;

import static dev.headroom.app.plugin.PlatformWithOffer.ACCOUNT;
import static dev.headroom.app.plugin.PlatformWithOffer.FEATURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.testing.Await;
import dev.headroom.plugin.ClientStats;
import dev.headroom.plugin.EventStream;
import dev.headroom.plugin.HeadroomClient;
import dev.headroom.plugin.HeadroomListener;
import dev.headroom.plugin.NoPromptReason;
import dev.headroom.plugin.PromptDecision;
import dev.headroom.plugin.PromptOffer;
import dev.headroom.plugin.RejectedEvent;
import dev.headroom.plugin.Surface;
import dev.headroom.plugin.UndeliveredReason;
import dev.headroom.plugin.UserRole;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The prompt plugin's client against the real platform over loopback TCP, with a proxy between them
 * that stalls, loses answers and goes down, as the network of a host product does. What is asserted
 * is what the host and the services see: the host's call returns no prompt in time and never
 * throws; the events prompt-service and signal-service store, each once; what cannot be delivered
 * is counted and reported to the host's listener.
 */
class ClientAgainstPlatformTest {
  @RegisterExtension static final PlatformWithOffer PLATFORM = new PlatformWithOffer();

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  @AfterEach
  void closeWhatTheTestOpened() throws Exception {
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
  }

  private TcpProxy proxyTo(int port) {
    TcpProxy proxy = TcpProxy.to(port);
    opened.push(proxy);
    return proxy;
  }

  /** A client through the given proxies, with a deadline generous enough for a loaded machine. */
  private HeadroomClient.Builder client(TcpProxy prompt, TcpProxy signal) {
    return HeadroomClient.builder()
        .plaintext()
        .promptService(prompt.target())
        .signalService(signal.target())
        .deadline(Duration.ofSeconds(5));
  }

  private HeadroomClient start(HeadroomClient.Builder builder) {
    HeadroomClient client = builder.build();
    opened.push(client);
    return client;
  }

  /** Each user is asked once per offer: prompt-service caps a user at one prompt a day. */
  private static PromptDecision ask(HeadroomClient client, String user, UserRole role) {
    return client.prompts().get(ACCOUNT, user, FEATURE, Surface.FEATURE_USE, "en-US", role);
  }

  private static String offerFor(HeadroomClient client, String user) {
    return ask(client, user, UserRole.OWNER).offer().orElseThrow().decisionId();
  }

  @Test
  void anOwnerGetsTheSelfServeOfferAndAMemberTheAskYourAdminCopy() {
    TcpProxy prompt = proxyTo(PLATFORM.promptGrpcPort());
    HeadroomClient client = start(client(prompt, proxyTo(PLATFORM.signalGrpcPort())));

    PromptOffer owner = ask(client, "owner-1", UserRole.OWNER).offer().orElseThrow();
    PromptOffer member = ask(client, "member-1", UserRole.MEMBER).offer().orElseThrow();

    assertEquals("Unlock SSO", owner.title());
    assertEquals("BUYER", owner.audience());
    assertEquals("Upgrade", owner.ctaLabel());
    assertEquals("pro", owner.targetPlan().planKey());
    assertEquals(4900, owner.targetPlan().monthlyPrice().minorUnits());
    assertEquals(10, owner.discountPercent());
    assertTrue(owner.ctaUrl().startsWith("/checkout?plan=pro"), owner.ctaUrl());
    assertEquals("MEMBER", member.audience());
    assertEquals("Ask your admin for Pro.", member.body());
  }

  @Test
  void aStalledServiceIsNoPromptWithinTheDeadline() {
    TcpProxy prompt = proxyTo(PLATFORM.promptGrpcPort());
    Duration deadline = Duration.ofMillis(300);
    HeadroomClient client =
        start(client(prompt, proxyTo(PLATFORM.signalGrpcPort())).deadline(deadline));
    AtomicInteger warmUps = new AtomicInteger();
    Await.until(
        "an offer through the proxy within 300 ms",
        () -> ask(client, "stall-warm-" + warmUps.incrementAndGet(), UserRole.OWNER).hasPrompt());

    // A warm-up may itself outlast the deadline on a busy machine (the wait retries it), so only
    // the stalled call's own count is asserted.
    long expiredBefore = client.stats().noPrompt(NoPromptReason.DEADLINE_EXCEEDED);
    prompt.stall();
    long started = System.nanoTime();
    PromptDecision stalled = ask(client, "stall-1", UserRole.OWNER);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertEquals(NoPromptReason.DEADLINE_EXCEEDED, stalled.noPromptReason().orElseThrow());
    // The stall lasts until the test ends; a generous bound still shows the deadline ended the
    // call.
    assertTrue(tookMillis < deadline.toMillis() + 5_000, "took " + tookMillis + " ms");
    assertEquals(expiredBefore + 1, client.stats().noPrompt(NoPromptReason.DEADLINE_EXCEEDED));

    prompt.forward();
    Await.until(
        "offers again once the network moves",
        () -> ask(client, "stall-after-" + warmUps.incrementAndGet(), UserRole.OWNER).hasPrompt());
  }

  @Test
  void aServiceThatIsDownIsNoPromptNeverAnExceptionAndTheCircuitOpens() {
    TcpProxy prompt = proxyTo(PLATFORM.promptGrpcPort());
    HeadroomClient client =
        start(
            client(prompt, proxyTo(PLATFORM.signalGrpcPort()))
                .circuitBreaker(3, Duration.ofMillis(500), Duration.ofSeconds(1)));
    prompt.down();

    for (int i = 0; i < 3; i++) {
      assertEquals(
          NoPromptReason.UNAVAILABLE,
          ask(client, "down-" + i, UserRole.OWNER).noPromptReason().orElseThrow());
    }
    assertEquals(
        NoPromptReason.CIRCUIT_OPEN,
        ask(client, "down-3", UserRole.OWNER).noPromptReason().orElseThrow(),
        "after three failures the client stops calling");
    ClientStats stats = client.stats();
    assertEquals(3, stats.noPrompt(NoPromptReason.UNAVAILABLE));
    assertEquals(1, stats.noPrompt(NoPromptReason.CIRCUIT_OPEN));

    prompt.up();
    AtomicInteger after = new AtomicInteger();
    Await.until(
        "a health probe closes the circuit and offers come back",
        () -> ask(client, "up-" + after.incrementAndGet(), UserRole.OWNER).hasPrompt());
  }

  @Test
  void eventsOfAnOutageArriveAfterRecoveryAndNoneIsStoredTwice() {
    TcpProxy prompt = proxyTo(PLATFORM.promptGrpcPort());
    TcpProxy signal = proxyTo(PLATFORM.signalGrpcPort());
    List<RejectedEvent> refused = new CopyOnWriteArrayList<>();
    HeadroomClient client =
        start(
            client(prompt, signal)
                .batching(100, Duration.ofMillis(20))
                .sendDeadline(Duration.ofSeconds(2))
                .retry(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMinutes(3))
                .listener(
                    new HeadroomListener() {
                      @Override
                      public void onEventsRejected(EventStream stream, List<RejectedEvent> events) {
                        refused.addAll(events);
                      }
                    }));
    String first = offerFor(client, "outage-1");
    String second = offerFor(client, "outage-2");
    // Both connections are up before the answers are held: a new connection whose handshake
    // answer is held never carries a request.
    client.usage().userActive(ACCOUNT, "u-1");
    Await.until("signal-service reached", () -> client.stats().usage().delivered() == 1);
    long attemptsBefore = PLATFORM.premiumAttempts();

    // The services store these, but their answers never come back: the client must resend them.
    prompt.holdAnswers();
    signal.holdAnswers();
    client.prompts().shown(first);
    client.prompts().clicked(first);
    for (int i = 0; i < 5; i++) {
      client.usage().paywallHit(ACCOUNT, "u-" + (1 + i % 3), FEATURE);
    }
    Await.until(
        "prompt-service stored the first prompt's events",
        () -> PLATFORM.storedPromptEvents(first).equals(Map.of("CLICKED", 1, "SHOWN", 1)));
    Await.until(
        "signal-service counted the first paywall hits",
        () -> PLATFORM.premiumAttempts() == attemptsBefore + 5);

    // Then both services are unreachable while the host records more.
    prompt.down();
    signal.down();
    client.prompts().shown(second);
    client.prompts().dismissed(second);
    for (int i = 0; i < 5; i++) {
      client.usage().paywallHit(ACCOUNT, "u-" + (1 + i % 3), FEATURE);
    }
    long retries = client.stats().promptEvents().retries() + client.stats().usage().retries();
    Await.until(
        "the client keeps retrying during the outage",
        () ->
            client.stats().promptEvents().retries() + client.stats().usage().retries()
                > retries + 4);
    assertEquals(Map.of(), PLATFORM.storedPromptEvents(second));

    prompt.up();
    signal.up();
    Await.until(
        "everything delivered after recovery",
        () ->
            client.stats().promptEvents().delivered() == 4
                && client.stats().usage().delivered() == 11);

    assertEquals(Map.of("CLICKED", 1, "SHOWN", 1), PLATFORM.storedPromptEvents(first));
    assertEquals(Map.of("DISMISSED", 1, "SHOWN", 1), PLATFORM.storedPromptEvents(second));
    assertEquals(attemptsBefore + 10, PLATFORM.premiumAttempts(), "each paywall hit counted once");
    for (ClientStats.StreamStats stream :
        new ClientStats.StreamStats[] {client.stats().promptEvents(), client.stats().usage()}) {
      assertEquals(0, stream.rejected(), stream.toString());
      assertTrue(stream.undelivered().isEmpty(), stream.toString());
    }

    // An event signal-service refuses for its content is reported with the field, not retried.
    String unknownFeature = client.usage().paywallHit(ACCOUNT, "u-1", "no_such_feature");
    Await.until("the refusal is reported", () -> !refused.isEmpty());
    assertEquals(unknownFeature, refused.get(0).eventId());
    assertEquals("payload.feature_key", refused.get(0).field());
    assertEquals(1, client.stats().usage().rejected());
  }

  @Test
  void aFloodDuringAnOutageStaysWithinTheBufferAndTheOverflowIsReported() {
    TcpProxy prompt = proxyTo(PLATFORM.promptGrpcPort());
    int capacity = 100;
    int batch = 50;
    AtomicLong reportedOverflow = new AtomicLong();
    HeadroomClient client =
        start(
            client(prompt, proxyTo(PLATFORM.signalGrpcPort()))
                .bufferCapacity(capacity)
                .batching(batch, Duration.ofMillis(20))
                .retry(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMinutes(3))
                .listener(
                    new HeadroomListener() {
                      @Override
                      public void onEventsUndelivered(
                          EventStream stream, int count, UndeliveredReason reason) {
                        if (reason == UndeliveredReason.BUFFER_FULL) {
                          reportedOverflow.addAndGet(count);
                        }
                      }
                    }));
    String decision = offerFor(client, "flood-1");
    prompt.down();

    int flood = 2_000;
    int mostBuffered = 0;
    for (int i = 0; i < flood; i++) {
      client.prompts().shown(decision);
      mostBuffered = Math.max(mostBuffered, client.stats().promptEvents().buffered());
    }
    ClientStats.StreamStats during = client.stats().promptEvents();
    prompt.up();
    Await.until(
        "what the buffer held is delivered",
        () -> {
          ClientStats.StreamStats s = client.stats().promptEvents();
          return s.buffered() == 0
              && s.delivered() + s.undelivered(UndeliveredReason.BUFFER_FULL) == flood;
        });

    ClientStats.StreamStats after = client.stats().promptEvents();
    // The buffer, plus the one batch the sender holds while it retries.
    assertTrue(mostBuffered <= capacity + batch, "buffered " + mostBuffered);
    assertTrue(
        during.undelivered(UndeliveredReason.BUFFER_FULL) >= flood - capacity - batch,
        during.toString());
    assertEquals(after.undelivered(UndeliveredReason.BUFFER_FULL), reportedOverflow.get());
    assertEquals(
        Map.of("SHOWN", (int) after.delivered()),
        PLATFORM.storedPromptEvents(decision),
        "prompt-service stored exactly what the buffer held");
  }
}
