package dev.headroom.plugin;

import dev.headroom.api.common.v1.Money;
import dev.headroom.api.prompt.v1.Audience;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.PlanSummary;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventResult;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.ReportPromptEventsResponse;
import dev.headroom.api.prompt.v1.TriggerType;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PromptService the test controls, on a loopback TCP port: it answers an offer, no prompt, an
 * error status, or stalls; it stores reported events by id like the real service (a resend is a
 * duplicate) and can lose its answer after storing, as a network failure would.
 */
final class FakePromptService extends PromptServiceGrpc.PromptServiceImplBase
    implements AutoCloseable {
  enum Mode {
    OFFER,
    NO_PROMPT,
    UNAVAILABLE,
    STALL
  }

  volatile Mode mode = Mode.OFFER;
  volatile NoPromptReason noPromptReason = NoPromptReason.NO_PROMPT_REASON_FREQUENCY_CAPPED;

  /** Released by the test to let stalled calls go on (they answer an offer). */
  volatile CountDownLatch stall = new CountDownLatch(1);

  final AtomicInteger getPromptCalls = new AtomicInteger();
  final List<GetPromptRequest> requests = new CopyOnWriteArrayList<>();

  /** Stored prompt events by id. */
  final Map<String, PromptEvent> events = new ConcurrentHashMap<>();

  final AtomicInteger reportCalls = new AtomicInteger();

  /** The next ReportPromptEvents calls fail with UNAVAILABLE before storing anything. */
  final AtomicInteger failReportsBeforeStoring = new AtomicInteger();

  /** The next ReportPromptEvents calls store the events, then answer UNAVAILABLE. */
  final AtomicInteger loseReportAnswers = new AtomicInteger();

  /** "method authorization-header" of every call received, health checks included. */
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;

  private FakePromptService() {
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(this)
            .addService(health.getHealthService())
            .intercept(
                new ServerInterceptor() {
                  @Override
                  public <Q, R> ServerCall.Listener<Q> interceptCall(
                      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                    authorizations.add(
                        call.getMethodDescriptor().getFullMethodName()
                            + " "
                            + headers.get(AUTHORIZATION));
                    return next.startCall(call, headers);
                  }
                })
            .build();
  }

  static FakePromptService start() {
    FakePromptService s = new FakePromptService();
    try {
      s.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    s.health(ServingStatus.SERVING);
    return s;
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  void health(ServingStatus status) {
    health.setStatus(PromptServiceGrpc.SERVICE_NAME, status);
  }

  @Override
  public void getPrompt(GetPromptRequest request, StreamObserver<GetPromptResponse> out) {
    getPromptCalls.incrementAndGet();
    requests.add(request);
    switch (mode) {
      case OFFER -> {
        out.onNext(GetPromptResponse.newBuilder().setPrompt(offer(request)).build());
        out.onCompleted();
      }
      case NO_PROMPT -> {
        out.onNext(GetPromptResponse.newBuilder().setNoPromptReason(noPromptReason).build());
        out.onCompleted();
      }
      case UNAVAILABLE -> out.onError(Status.UNAVAILABLE.asRuntimeException());
      case STALL -> {
        try {
          if (stall.await(60, TimeUnit.SECONDS)) {
            out.onNext(GetPromptResponse.newBuilder().setPrompt(offer(request)).build());
            out.onCompleted();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  Prompt offer(GetPromptRequest request) {
    Money price = Money.newBuilder().setCurrencyCode("USD").setMinorUnits(4900).build();
    return Prompt.newBuilder()
        .setDecisionId(UUID.randomUUID().toString())
        .setCampaignId("c-sso")
        .setTrigger(TriggerType.TRIGGER_TYPE_FEATURE_GATE)
        .setAudience(Audience.AUDIENCE_BUYER)
        .setLocale(request.getLocale())
        .setTitle("Unlock SSO")
        .setBody("Pro includes single sign-on.")
        .setCtaLabel("Upgrade")
        .setCtaUrl("https://host.example/upgrade?plan=pro&seats=3")
        .setCurrentPlan(
            PlanSummary.newBuilder()
                .setPlanKey("free")
                .setDisplayName("Free")
                .addFeatureKeys("reports"))
        .setTargetPlan(
            PlanSummary.newBuilder()
                .setPlanKey("pro")
                .setDisplayName("Pro")
                .setMonthlyPrice(price)
                .addFeatureKeys("reports")
                .addFeatureKeys(request.getFeatureKey()))
        .addHighlightedFeatureKeys(request.getFeatureKey())
        .setPrefilledSeats(3)
        .setDiscountPercent(10)
        .build();
  }

  @Override
  public void reportPromptEvents(
      ReportPromptEventsRequest request, StreamObserver<ReportPromptEventsResponse> out) {
    reportCalls.incrementAndGet();
    if (failReportsBeforeStoring.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      out.onError(Status.UNAVAILABLE.asRuntimeException());
      return;
    }
    ReportPromptEventsResponse.Builder response = ReportPromptEventsResponse.newBuilder();
    for (int i = 0; i < request.getEventsCount(); i++) {
      PromptEvent e = request.getEvents(i);
      boolean duplicate = events.putIfAbsent(e.getEventId(), e) != null;
      response.addResults(
          PromptEventResult.newBuilder()
              .setIndex(i)
              .setEventId(e.getEventId())
              .setAccepted(true)
              .setDuplicate(duplicate));
    }
    if (loseReportAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      out.onError(Status.UNAVAILABLE.withDescription("answer lost").asRuntimeException());
      return;
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  @Override
  public void close() {
    stall.countDown();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
