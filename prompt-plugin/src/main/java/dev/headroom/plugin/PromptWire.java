package dev.headroom.plugin;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventResult;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.ReportPromptEventsResponse;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The only place that knows prompt-service's messages: a contract change is an edit here. Maps the
 * plugin's requests and events to {@code headroom.prompt.v1} and the answers back.
 */
final class PromptWire {
  /** The name prompt-service registers with the gRPC health service. */
  static final String SERVICE_NAME = PromptServiceGrpc.SERVICE_NAME;

  /** ReportPromptEvents takes at most this many events per call. */
  static final int MAX_EVENTS_PER_CALL = 500;

  private final PromptServiceGrpc.PromptServiceBlockingStub stub;

  PromptWire(Channel channel, CallCredentials credentials) {
    this.stub = PromptServiceGrpc.newBlockingStub(channel).withCallCredentials(credentials);
  }

  /** Asks for a prompt; a failed call is a {@link io.grpc.StatusRuntimeException}. */
  PromptDecision get(DecisionCache.Key key, Duration deadline) {
    GetPromptRequest request =
        GetPromptRequest.newBuilder()
            .setAccountId(key.accountId())
            .setUserId(key.userId())
            .setFeatureKey(key.featureKey())
            .setSurface(surface(key.surface()))
            .setLocale(key.locale())
            .setUserRole(role(key.role()))
            .build();
    GetPromptResponse response =
        stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).getPrompt(request);
    return response.hasPrompt()
        ? PromptDecision.of(offer(response.getPrompt()))
        : PromptDecision.none(reason(response.getNoPromptReason()));
  }

  /** Reports a batch of at most {@link #MAX_EVENTS_PER_CALL} events. */
  EventPipeline.Result report(List<PromptEventRecord> events, Duration deadline) {
    ReportPromptEventsRequest.Builder request = ReportPromptEventsRequest.newBuilder();
    for (PromptEventRecord e : events) {
      PromptEvent.Builder b =
          PromptEvent.newBuilder()
              .setEventId(e.eventId())
              .setDecisionId(e.decisionId())
              .setKind(kind(e.kind()))
              .setOccurredAt(timestamp(e.occurredAt()))
              .setAccountId(e.accountId())
              .setUserId(e.userId());
      if (e.revenue() != null) {
        b.setRevenue(
            Money.newBuilder()
                .setCurrencyCode(e.revenue().currencyCode())
                .setMinorUnits(e.revenue().minorUnits()));
      }
      request.addEvents(b);
    }
    ReportPromptEventsResponse response =
        stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
            .reportPromptEvents(request.build());
    List<RejectedEvent> rejected = new ArrayList<>();
    for (PromptEventResult r : response.getResultsList()) {
      if (!r.getAccepted() && !r.getDuplicate()) {
        rejected.add(rejected(r.getEventId(), r.getError()));
      }
    }
    return EventPipeline.Result.of(events.size(), rejected);
  }

  /** A refused event of either service, from its item error. */
  static RejectedEvent rejected(String eventId, ItemError error) {
    return new RejectedEvent(eventId, error.getField(), error.getDescription());
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static dev.headroom.api.prompt.v1.Surface surface(Surface s) {
    return switch (s) {
      case FEATURE_USE -> dev.headroom.api.prompt.v1.Surface.SURFACE_FEATURE_USE;
      case HOME -> dev.headroom.api.prompt.v1.Surface.SURFACE_HOME;
      case BILLING -> dev.headroom.api.prompt.v1.Surface.SURFACE_BILLING;
    };
  }

  static dev.headroom.api.common.v1.UserRole role(UserRole r) {
    if (r == null) {
      return dev.headroom.api.common.v1.UserRole.USER_ROLE_UNSPECIFIED;
    }
    return switch (r) {
      case OWNER -> dev.headroom.api.common.v1.UserRole.USER_ROLE_OWNER;
      case ADMIN -> dev.headroom.api.common.v1.UserRole.USER_ROLE_ADMIN;
      case BILLING -> dev.headroom.api.common.v1.UserRole.USER_ROLE_BILLING;
      case MEMBER -> dev.headroom.api.common.v1.UserRole.USER_ROLE_MEMBER;
    };
  }

  private static dev.headroom.api.prompt.v1.PromptEventKind kind(PromptEventKind k) {
    return switch (k) {
      case SHOWN -> dev.headroom.api.prompt.v1.PromptEventKind.PROMPT_EVENT_KIND_SHOWN;
      case CLICKED -> dev.headroom.api.prompt.v1.PromptEventKind.PROMPT_EVENT_KIND_CLICKED;
      case DISMISSED -> dev.headroom.api.prompt.v1.PromptEventKind.PROMPT_EVENT_KIND_DISMISSED;
      case CONVERTED -> dev.headroom.api.prompt.v1.PromptEventKind.PROMPT_EVENT_KIND_CONVERTED;
    };
  }

  static NoPromptReason reason(dev.headroom.api.prompt.v1.NoPromptReason r) {
    return switch (r) {
      case NO_PROMPT_REASON_NO_MATCHING_CAMPAIGN -> NoPromptReason.NO_MATCHING_CAMPAIGN;
      case NO_PROMPT_REASON_ACCOUNT_NOT_ACTIVATED -> NoPromptReason.ACCOUNT_NOT_ACTIVATED;
      case NO_PROMPT_REASON_FREQUENCY_CAPPED -> NoPromptReason.FREQUENCY_CAPPED;
      case NO_PROMPT_REASON_COOLDOWN -> NoPromptReason.COOLDOWN;
      case NO_PROMPT_REASON_SALES_OWNED -> NoPromptReason.SALES_OWNED;
      case NO_PROMPT_REASON_HOLDOUT -> NoPromptReason.HOLDOUT;
      case NO_PROMPT_REASON_UNKNOWN_ACCOUNT -> NoPromptReason.UNKNOWN_ACCOUNT;
      case NO_PROMPT_REASON_UNKNOWN_FEATURE -> NoPromptReason.UNKNOWN_FEATURE;
      case NO_PROMPT_REASON_NOT_READY -> NoPromptReason.NOT_READY;
      case NO_PROMPT_REASON_OVERLOADED -> NoPromptReason.OVERLOADED;
      default -> NoPromptReason.UNSPECIFIED;
    };
  }

  private static PromptOffer offer(Prompt p) {
    return new PromptOffer(
        p.getDecisionId(),
        p.getCampaignId(),
        p.getExperimentId(),
        p.getVariantKey(),
        p.getTrigger().name().replace("TRIGGER_TYPE_", ""),
        p.getAudience().name().replace("AUDIENCE_", ""),
        p.getLocale(),
        p.getTitle(),
        p.getBody(),
        p.getCtaLabel(),
        p.getCtaUrl(),
        p.hasCurrentPlan() ? plan(p.getCurrentPlan()) : null,
        p.hasTargetPlan() ? plan(p.getTargetPlan()) : null,
        p.getHighlightedFeatureKeysList(),
        p.getPrefilledSeats(),
        p.getDiscountPercent(),
        p.getAnnualBilling());
  }

  private static PlanSummary plan(dev.headroom.api.prompt.v1.PlanSummary p) {
    return new PlanSummary(
        p.getPlanKey(),
        p.getDisplayName(),
        p.hasMonthlyPrice()
            ? new Price(p.getMonthlyPrice().getCurrencyCode(), p.getMonthlyPrice().getMinorUnits())
            : null,
        p.getFeatureKeysList());
  }
}
