package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.testing.Await;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link PromptClient#get} against a PromptService over loopback TCP that the test controls. */
class PromptClientTest extends AgainstFakePromptService {
  /** A client with a deadline generous enough for a loaded machine, unless a test sets one. */
  private static HeadroomClient.Builder builder(String target) {
    return HeadroomClient.builder()
        .plaintext()
        .promptService(target)
        .signalService(target)
        .deadline(Duration.ofSeconds(5));
  }

  private static PromptDecision getSso(HeadroomClient client, String user) {
    return client.prompts().get("acme", user, "sso", Surface.FEATURE_USE, "de-DE");
  }

  @Test
  void returnsTheServicesOfferWithTheRequestMapped() {
    HeadroomClient client = start(builder(server.target()));

    PromptDecision d = getSso(client, "u-1");

    PromptOffer offer = d.offer().orElseThrow();
    assertEquals("Unlock SSO", offer.title());
    assertEquals(List.of("sso"), offer.highlightedFeatureKeys());
    assertEquals("FEATURE_GATE", offer.trigger());
    assertEquals(new Price("USD", 4900), offer.targetPlan().monthlyPrice());
    assertTrue(offer.toJson().contains("\"decision_id\":\"" + offer.decisionId() + "\""));
    var sent = server.requests.get(0);
    assertEquals("acme", sent.getAccountId());
    assertEquals("u-1", sent.getUserId());
    assertEquals("sso", sent.getFeatureKey());
    assertEquals("de-DE", sent.getLocale());
    assertEquals(dev.headroom.api.prompt.v1.Surface.SURFACE_FEATURE_USE, sent.getSurface());
    assertEquals(
        dev.headroom.api.common.v1.UserRole.USER_ROLE_UNSPECIFIED,
        sent.getUserRole(),
        "without a role prompt-service treats the user as a member");
    assertEquals(1, client.stats().prompts());
  }

  @Test
  void sendsTheRoleTheHostKnowsAndAsksAgainWhenItChanges() {
    HeadroomClient client = start(builder(server.target()));
    server.mode = FakePromptService.Mode.NO_PROMPT;

    client.prompts().get("acme", "u-1", "sso", Surface.FEATURE_USE, "en", UserRole.MEMBER);
    client.prompts().get("acme", "u-1", "sso", Surface.FEATURE_USE, "en", UserRole.ADMIN);

    // The member's "no prompt" is remembered for a member only: the new admin is asked about.
    assertEquals(
        List.of(
            dev.headroom.api.common.v1.UserRole.USER_ROLE_MEMBER,
            dev.headroom.api.common.v1.UserRole.USER_ROLE_ADMIN),
        server.requests.stream().map(r -> r.getUserRole()).toList());
  }

  @Test
  void stalledServiceAnswersNoPromptWithinTheDeadline() {
    HeadroomClient client = start(builder(server.target()).deadline(Duration.ofMillis(200)));
    server.mode = FakePromptService.Mode.STALL;

    long started = System.nanoTime();
    PromptDecision d = getSso(client, "u-1");
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

    // The server holds the call for a minute; the bound only shows the deadline cut it short.
    assertEquals(NoPromptReason.DEADLINE_EXCEEDED, d.noPromptReason().orElseThrow());
    assertTrue(elapsedMillis < 200 + 3_000, "took " + elapsedMillis + " ms");
    assertEquals(1, client.stats().noPrompt(NoPromptReason.DEADLINE_EXCEEDED));
  }

  @Test
  void serviceDownAnswersNoPromptThenOpensTheCircuit() {
    HeadroomClient client =
        start(
            builder(Loopback.deadTarget())
                .circuitBreaker(3, Duration.ofHours(1), Duration.ofHours(1)));

    for (int i = 0; i < 3; i++) {
      assertEquals(
          NoPromptReason.UNAVAILABLE, getSso(client, "u-" + i).noPromptReason().orElseThrow());
    }
    assertEquals(CircuitState.OPEN, client.stats().circuit());
    assertEquals(NoPromptReason.CIRCUIT_OPEN, getSso(client, "u-9").noPromptReason().orElseThrow());
    assertEquals(3, client.stats().noPrompt(NoPromptReason.UNAVAILABLE));
    assertEquals(1, client.stats().noPrompt(NoPromptReason.CIRCUIT_OPEN));
  }

  @Test
  void openCircuitProbesHealthAndClosesOnceTheServiceServesAgain() {
    List<String> transitions = new CopyOnWriteArrayList<>();
    HeadroomClient client =
        start(
            builder(server.target())
                .circuitBreaker(2, Duration.ofMillis(100), Duration.ofMillis(200))
                .listener(
                    new HeadroomListener() {
                      @Override
                      public void onCircuitStateChanged(CircuitState from, CircuitState to) {
                        transitions.add(from + ">" + to);
                      }
                    }));
    server.mode = FakePromptService.Mode.UNAVAILABLE;
    getSso(client, "u-1");
    getSso(client, "u-2");
    assertEquals(CircuitState.OPEN, client.stats().circuit());

    server.health(ServingStatus.NOT_SERVING);
    Await.until(
        "a probe finds the service not serving",
        () -> getSso(client, "u-3").noPromptReason().orElseThrow() == NoPromptReason.NOT_SERVING);
    assertEquals(2, server.getPromptCalls.get(), "no GetPrompt while the circuit is open");

    server.mode = FakePromptService.Mode.OFFER;
    server.health(ServingStatus.SERVING);
    Await.until("the circuit closes", () -> getSso(client, "u-4").hasPrompt());
    assertEquals("CLOSED>OPEN", transitions.get(0));
    assertTrue(transitions.contains("HALF_OPEN>OPEN"), transitions.toString());
    assertEquals("HALF_OPEN>CLOSED", transitions.get(transitions.size() - 1));
  }

  @Test
  void noPromptAnswersAreRememberedBrieflyButOffersNever() {
    AtomicLong now = new AtomicLong();
    HeadroomClient client =
        start(builder(server.target()).cacheTtl(Duration.ofSeconds(1)).ticker(now::get));
    server.mode = FakePromptService.Mode.NO_PROMPT;

    for (int i = 0; i < 3; i++) {
      assertEquals(
          NoPromptReason.FREQUENCY_CAPPED, getSso(client, "u-1").noPromptReason().orElseThrow());
    }
    assertEquals(1, server.getPromptCalls.get());
    getSso(client, "u-2");
    assertEquals(2, server.getPromptCalls.get(), "another user is another question");
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    getSso(client, "u-1");
    assertEquals(3, server.getPromptCalls.get(), "the remembered answer expired");

    server.mode = FakePromptService.Mode.OFFER;
    PromptDecision first = getSso(client, "u-3");
    PromptDecision second = getSso(client, "u-3");
    assertEquals(5, server.getPromptCalls.get(), "an offer is a new decision every time");
    assertNotEquals(
        first.offer().orElseThrow().decisionId(), second.offer().orElseThrow().decisionId());
  }

  @Test
  void concurrentIdenticalCallsShareOneCallAndOnlyOneCallerGetsTheOffer() throws Exception {
    HeadroomClient client = start(builder(server.target()));
    getSso(client, "warm-up"); // connects, so the burst below is the only traffic
    server.mode = FakePromptService.Mode.STALL;
    int callers = 5;
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            callers,
            r -> {
              Thread t = new Thread(r);
              threads.add(t);
              return t;
            });
    try {
      List<Future<PromptDecision>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        answers.add(pool.submit(() -> getSso(client, "u-1")));
      }
      Await.until(
          "every caller waits on the one call in flight",
          () ->
              server.getPromptCalls.get() == 2
                  && threads.size() == callers
                  && threads.stream()
                      .allMatch(
                          t ->
                              t.getState() == Thread.State.WAITING
                                  || t.getState() == Thread.State.TIMED_WAITING));
      server.stall.countDown();

      int offers = 0;
      for (Future<PromptDecision> f : answers) {
        PromptDecision d = f.get();
        if (d.hasPrompt()) {
          offers++;
        } else {
          assertEquals(NoPromptReason.COALESCED, d.noPromptReason().orElseThrow());
        }
      }
      assertEquals(1, offers);
      assertEquals(2, server.getPromptCalls.get(), "the warm-up and one shared call");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rememberedAnswersStayWithinTheirBound() {
    HeadroomClient client = start(builder(server.target()).cacheMaxEntries(2));
    server.mode = FakePromptService.Mode.NO_PROMPT;

    for (int round = 0; round < 2; round++) {
      for (String user : List.of("u-1", "u-2", "u-3")) {
        getSso(client, user);
      }
    }

    assertEquals(4, server.getPromptCalls.get(), "two users remembered, the third asked twice");
  }

  @Test
  void callCredentialsGoWithEveryCallIncludingTheHealthProbe() {
    CallCredentials bearer =
        new CallCredentials() {
          @Override
          public void applyRequestMetadata(
              RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(FakePromptService.AUTHORIZATION, "Bearer t-1");
            applier.apply(headers);
          }
        };
    HeadroomClient client =
        start(
            builder(server.target())
                .callCredentials(bearer)
                .circuitBreaker(1, Duration.ofMillis(1), Duration.ofMillis(1)));

    getSso(client, "u-1");
    client.prompts().shown("d-1");
    server.mode = FakePromptService.Mode.UNAVAILABLE;
    getSso(client, "u-2");
    Await.until(
        "a health probe ran",
        () -> {
          getSso(client, "u-3");
          return server.authorizations.stream().anyMatch(a -> a.contains("Health/Check"));
        });
    Await.until("the event is sent", () -> client.stats().promptEvents().delivered() == 1);

    assertTrue(
        server.authorizations.stream().allMatch(a -> a.endsWith(" Bearer t-1")),
        server.authorizations.toString());
    assertTrue(
        server.authorizations.stream().anyMatch(a -> a.contains("ReportPromptEvents")),
        server.authorizations.toString());
  }

  @Test
  void incompleteRequestIsNotSentAndNeverThrows() {
    HeadroomClient client = start(builder(server.target()));

    assertEquals(
        NoPromptReason.INVALID_REQUEST,
        client
            .prompts()
            .get(null, "u-1", "sso", Surface.FEATURE_USE, null)
            .noPromptReason()
            .orElseThrow());
    assertEquals(
        NoPromptReason.INVALID_REQUEST,
        client.prompts().get("acme", " ", null, null, null).noPromptReason().orElseThrow());
    assertEquals(0, server.getPromptCalls.get());
  }

  @Test
  void aThrowingListenerNeverReachesTheHost() {
    HeadroomClient client =
        start(
            builder(server.target())
                .listener(
                    new HeadroomListener() {
                      @Override
                      public void onDecision(PromptDecision decision, long elapsedNanos) {
                        throw new IllegalStateException("host metrics bug");
                      }
                    }));

    assertTrue(getSso(client, "u-1").hasPrompt());
  }

  @Test
  void closedClientAnswersNoPrompt() {
    HeadroomClient client = start(builder(server.target()));
    client.close();

    assertFalse(getSso(client, "u-1").hasPrompt());
    assertEquals(1, client.stats().noPrompt(NoPromptReason.CLIENT_CLOSED));
    assertEquals(0, server.getPromptCalls.get());
  }
}
