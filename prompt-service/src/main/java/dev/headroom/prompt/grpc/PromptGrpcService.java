package dev.headroom.prompt.grpc;

import com.google.protobuf.Duration;
import dev.headroom.api.common.v1.ErrorReason;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataRequest;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataResponse;
import dev.headroom.api.prompt.v1.ArmAggregate;
import dev.headroom.api.prompt.v1.Audience;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateCampaignResponse;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.CreateExperimentResponse;
import dev.headroom.api.prompt.v1.ExperimentAggregates;
import dev.headroom.api.prompt.v1.GetCampaignRequest;
import dev.headroom.api.prompt.v1.GetCampaignResponse;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesRequest;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesResponse;
import dev.headroom.api.prompt.v1.GetExperimentRequest;
import dev.headroom.api.prompt.v1.GetExperimentResponse;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.GetExperimentResultsResponse;
import dev.headroom.api.prompt.v1.GetPromptFunnelRequest;
import dev.headroom.api.prompt.v1.GetPromptFunnelResponse;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.ListCampaignsRequest;
import dev.headroom.api.prompt.v1.ListCampaignsResponse;
import dev.headroom.api.prompt.v1.ListExperimentsRequest;
import dev.headroom.api.prompt.v1.ListExperimentsResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEventResult;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.PromptTiming;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.ReportPromptEventsResponse;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.StartExperimentResponse;
import dev.headroom.api.prompt.v1.StopExperimentRequest;
import dev.headroom.api.prompt.v1.StopExperimentResponse;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.prompt.v1.UpdateCampaignRequest;
import dev.headroom.api.prompt.v1.UpdateCampaignResponse;
import dev.headroom.api.prompt.v1.UpdateExperimentRequest;
import dev.headroom.api.prompt.v1.UpdateExperimentResponse;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.kit.validation.Validation;
import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.Campaigns;
import dev.headroom.prompt.decision.Decision;
import dev.headroom.prompt.decision.DecisionEngine;
import dev.headroom.prompt.decision.PromptRequest;
import dev.headroom.prompt.decision.RenderedPrompt;
import dev.headroom.prompt.events.ExperimentAggregates.Result;
import dev.headroom.prompt.events.PromptEvents;
import dev.headroom.prompt.events.PromptFunnel;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Experiments;
import dev.headroom.prompt.experiment.Variant;
import dev.headroom.prompt.mapping.FunnelProtos;
import dev.headroom.prompt.mapping.ResultsProtos;
import dev.headroom.prompt.results.ExperimentReports;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;

/**
 * The PromptService adapter: validates and maps at the edge, delegates to the decision engine, the
 * event store and the admin services. Domain errors become statuses in the kit's error interceptor.
 */
public final class PromptGrpcService extends PromptServiceGrpc.PromptServiceImplBase {
  static final int MAX_EVENTS = 500;

  /** A BCP 47 tag is far shorter; this bounds what the locale fallback has to look at. */
  private static final int MAX_LOCALE_CHARS = 64;

  // GetPrompt's answer enums, mapped by name once instead of a name lookup on every call.
  private static final EnumMap<dev.headroom.prompt.decision.NoPromptReason, NoPromptReason>
      NO_PROMPT_REASONS =
          byName(
              dev.headroom.prompt.decision.NoPromptReason.class,
              NoPromptReason.class,
              "NO_PROMPT_REASON_");
  private static final EnumMap<dev.headroom.prompt.campaign.TriggerType, TriggerType>
      TRIGGER_TYPES =
          byName(
              dev.headroom.prompt.campaign.TriggerType.class, TriggerType.class, "TRIGGER_TYPE_");
  private static final EnumMap<Variant.PromptTiming, PromptTiming> TIMINGS =
      byName(Variant.PromptTiming.class, PromptTiming.class, "PROMPT_TIMING_");

  private final DecisionEngine decisions;
  private final PromptEvents events;
  private final Campaigns campaigns;
  private final Experiments experiments;
  private final dev.headroom.prompt.events.ExperimentAggregates aggregates;
  private final Paging paging;
  private final Clock clock;
  private final java.time.Duration defaultWindow;
  private final ExperimentReports reports;
  private final PromptFunnel funnel;
  private final PlanColumns planColumns = new PlanColumns();

  public PromptGrpcService(
      DecisionEngine decisions,
      PromptEvents events,
      Campaigns campaigns,
      Experiments experiments,
      dev.headroom.prompt.events.ExperimentAggregates aggregates,
      Paging paging,
      Clock clock,
      java.time.Duration defaultWindow,
      ExperimentReports reports,
      PromptFunnel funnel) {
    this.reports = reports;
    this.funnel = funnel;
    this.decisions = decisions;
    this.events = events;
    this.campaigns = campaigns;
    this.experiments = experiments;
    this.aggregates = aggregates;
    this.paging = paging;
    this.clock = clock;
    this.defaultWindow = defaultWindow;
  }

  @Override
  public void getPrompt(GetPromptRequest r, StreamObserver<GetPromptResponse> obs) {
    Validation v = Validation.of();
    v.identifier("account_id", r.getAccountId());
    v.identifier("user_id", r.getUserId());
    v.optionalIdentifier("feature_key", r.getFeatureKey());
    var surface = CampaignProtos.surface(r.getSurface());
    v.check(surface.isPresent(), "surface", "required: FEATURE_USE, HOME or BILLING");
    v.text("locale", r.getLocale(), MAX_LOCALE_CHARS);
    Instant requested =
        v.optionalTimestamp("request_time", r.hasRequestTime() ? r.getRequestTime() : null);
    v.throwIfInvalid();
    Instant at = requested != null ? requested : clock.instant();
    Decision d =
        decisions.decide(
            new PromptRequest(
                r.getAccountId(),
                r.getUserId(),
                r.getFeatureKey(),
                surface.get(),
                Optional.of(r.getLocale()).filter(l -> !l.isBlank()),
                role(r.getUserRole()),
                at));
    GetPromptResponse.Builder out = GetPromptResponse.newBuilder().setDecisionId(d.decisionId());
    switch (d) {
      case Decision.Shown s -> out.setPrompt(prompt(s.decisionId(), s.prompt()));
      case Decision.NoPrompt n -> out.setNoPromptReason(NO_PROMPT_REASONS.get(n.reason()));
    }
    obs.onNext(out.build());
    obs.onCompleted();
  }

  /** Each domain constant's proto constant of the same name after {@code prefix}. */
  private static <D extends Enum<D>, P extends Enum<P>> EnumMap<D, P> byName(
      Class<D> domain, Class<P> proto, String prefix) {
    EnumMap<D, P> out = new EnumMap<>(domain);
    for (D d : domain.getEnumConstants()) {
      out.put(d, Enum.valueOf(proto, prefix + d.name()));
    }
    return out;
  }

  private static dev.headroom.prompt.decision.UserRole role(UserRole r) {
    return switch (r) {
      case USER_ROLE_OWNER -> dev.headroom.prompt.decision.UserRole.OWNER;
      case USER_ROLE_ADMIN -> dev.headroom.prompt.decision.UserRole.ADMIN;
      case USER_ROLE_BILLING -> dev.headroom.prompt.decision.UserRole.BILLING;
      default -> dev.headroom.prompt.decision.UserRole.MEMBER;
    };
  }

  private Prompt prompt(String decisionId, RenderedPrompt p) {
    Prompt.Builder b =
        Prompt.newBuilder()
            .setDecisionId(decisionId)
            .setCampaignId(p.campaignId())
            .setExperimentId(p.experimentId().orElse(""))
            .setVariantKey(p.variantKey())
            .setTrigger(TRIGGER_TYPES.get(p.trigger()))
            .setAudience(p.buyer() ? Audience.AUDIENCE_BUYER : Audience.AUDIENCE_MEMBER)
            .setLocale(p.locale())
            .setTitle(p.title())
            .setBody(p.body())
            .setCtaLabel(p.ctaLabel())
            .setCtaUrl(p.ctaUrl())
            .setTargetPlan(planColumns.column(p.targetPlan()))
            .addAllHighlightedFeatureKeys(p.highlightedFeatureKeys())
            .setPrefilledSeats(p.prefilledSeats())
            .setDiscountPercent(p.discountPercent())
            .setAnnualBilling(p.annualBilling())
            .setTiming(TIMINGS.get(p.timing()));
    p.currentPlan().ifPresent(c -> b.setCurrentPlan(planColumns.column(c)));
    return b.build();
  }

  @Override
  public void reportPromptEvents(
      ReportPromptEventsRequest r, StreamObserver<ReportPromptEventsResponse> obs) {
    if (r.getEventsCount() > MAX_EVENTS) {
      throw new DomainException.InvalidArgument(
          Reason.BATCH_TOO_LARGE,
          List.of(new FieldViolation("events", "at most " + MAX_EVENTS + " events per call")));
    }
    ReportPromptEventsResponse.Builder out = ReportPromptEventsResponse.newBuilder();
    for (int i = 0; i < r.getEventsCount(); i++) {
      var e = r.getEvents(i);
      PromptEventResult.Builder result =
          PromptEventResult.newBuilder().setIndex(i).setEventId(e.getEventId());
      Optional<ItemError> problem = EventProtos.validate(e);
      if (problem.isPresent()) {
        out.addResults(result.setError(problem.get()));
        continue;
      }
      PromptEvents.Outcome outcome;
      try {
        outcome = events.record(EventProtos.event(e));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new DomainException.Unavailable(
            Reason.SHUTTING_DOWN, "the service is shutting down", null);
      }
      switch (outcome) {
        case ACCEPTED -> result.setAccepted(true);
        case DUPLICATE -> result.setAccepted(true).setDuplicate(true);
        case CONFLICT ->
            result.setError(
                ItemError.newBuilder()
                    .setCode(io.grpc.Status.Code.ALREADY_EXISTS.value())
                    .setReason(ErrorReason.ERROR_REASON_ALREADY_EXISTS)
                    .setField("event_id")
                    .setDescription("event_id was reported before with other content"));
      }
      out.addResults(result);
    }
    obs.onNext(out.build());
    obs.onCompleted();
  }

  @Override
  public void createCampaign(CreateCampaignRequest r, StreamObserver<CreateCampaignResponse> obs) {
    Campaign c = CampaignProtos.fromRequest(r.getCampaign(), false);
    requestId(r.getRequestId());
    obs.onNext(
        CreateCampaignResponse.newBuilder()
            .setCampaign(CampaignProtos.toProto(campaigns.create(c, r.getRequestId())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void updateCampaign(UpdateCampaignRequest r, StreamObserver<UpdateCampaignResponse> obs) {
    Campaign c = CampaignProtos.fromRequest(r.getCampaign(), true);
    version(r.getExpectedVersion());
    obs.onNext(
        UpdateCampaignResponse.newBuilder()
            .setCampaign(CampaignProtos.toProto(campaigns.update(c, r.getExpectedVersion())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void getCampaign(GetCampaignRequest r, StreamObserver<GetCampaignResponse> obs) {
    id(r.getCampaignId(), "campaign_id");
    obs.onNext(
        GetCampaignResponse.newBuilder()
            .setCampaign(CampaignProtos.toProto(campaigns.get(r.getCampaignId())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void listCampaigns(ListCampaignsRequest r, StreamObserver<ListCampaignsResponse> obs) {
    PageRequest page = paging.request("campaigns", r.getPageSize(), r.getPageToken());
    List<Campaign> rows = campaigns.page(page);
    boolean more = rows.size() > page.size();
    List<Campaign> shown = more ? rows.subList(0, page.size()) : rows;
    ListCampaignsResponse.Builder out = ListCampaignsResponse.newBuilder();
    shown.forEach(c -> out.addCampaigns(CampaignProtos.toProto(c)));
    out.setNextPageToken(
        paging.nextToken(
            "campaigns",
            page,
            more,
            shown.isEmpty() ? List.of() : List.of(shown.get(shown.size() - 1).campaignId())));
    obs.onNext(out.build());
    obs.onCompleted();
  }

  @Override
  public void createExperiment(
      CreateExperimentRequest r, StreamObserver<CreateExperimentResponse> obs) {
    Experiment e = ExperimentProtos.fromRequest(r.getExperiment(), false, defaultWindow);
    requestId(r.getRequestId());
    obs.onNext(
        CreateExperimentResponse.newBuilder()
            .setExperiment(ExperimentProtos.toProto(experiments.create(e, r.getRequestId())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void updateExperiment(
      UpdateExperimentRequest r, StreamObserver<UpdateExperimentResponse> obs) {
    Experiment e = ExperimentProtos.fromRequest(r.getExperiment(), true, defaultWindow);
    version(r.getExpectedVersion());
    obs.onNext(
        UpdateExperimentResponse.newBuilder()
            .setExperiment(ExperimentProtos.toProto(experiments.update(e, r.getExpectedVersion())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void startExperiment(
      StartExperimentRequest r, StreamObserver<StartExperimentResponse> obs) {
    id(r.getExperimentId(), "experiment_id");
    obs.onNext(
        StartExperimentResponse.newBuilder()
            .setExperiment(ExperimentProtos.toProto(experiments.start(r.getExperimentId())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void stopExperiment(StopExperimentRequest r, StreamObserver<StopExperimentResponse> obs) {
    id(r.getExperimentId(), "experiment_id");
    optionalId(r.getServeVariantKey(), "serve_variant_key");
    obs.onNext(
        StopExperimentResponse.newBuilder()
            .setExperiment(
                ExperimentProtos.toProto(
                    experiments.stop(
                        r.getExperimentId(),
                        Optional.of(r.getServeVariantKey()).filter(k -> !k.isEmpty()))))
            .build());
    obs.onCompleted();
  }

  @Override
  public void getExperiment(GetExperimentRequest r, StreamObserver<GetExperimentResponse> obs) {
    id(r.getExperimentId(), "experiment_id");
    obs.onNext(
        GetExperimentResponse.newBuilder()
            .setExperiment(ExperimentProtos.toProto(experiments.get(r.getExperimentId())))
            .build());
    obs.onCompleted();
  }

  @Override
  public void listExperiments(
      ListExperimentsRequest r, StreamObserver<ListExperimentsResponse> obs) {
    optionalId(r.getCampaignId(), "campaign_id");
    String scope = "experiments:" + r.getCampaignId();
    PageRequest page = paging.request(scope, r.getPageSize(), r.getPageToken());
    List<Experiment> rows = experiments.page(r.getCampaignId(), page);
    boolean more = rows.size() > page.size();
    List<Experiment> shown = more ? rows.subList(0, page.size()) : rows;
    ListExperimentsResponse.Builder out = ListExperimentsResponse.newBuilder();
    shown.forEach(e -> out.addExperiments(ExperimentProtos.toProto(e)));
    out.setNextPageToken(
        paging.nextToken(
            scope,
            page,
            more,
            shown.isEmpty() ? List.of() : List.of(shown.get(shown.size() - 1).experimentId())));
    obs.onNext(out.build());
    obs.onCompleted();
  }

  @Override
  public void getExperimentResults(
      GetExperimentResultsRequest r, StreamObserver<GetExperimentResultsResponse> obs) {
    id(r.getExperimentId(), "experiment_id");
    ExperimentReports.Report report =
        reports.results(r.getExperimentId(), ResultsProtos.options(r.getOptions()));
    obs.onNext(
        GetExperimentResultsResponse.newBuilder()
            .setResults(ResultsProtos.toProto(report))
            .build());
    obs.onCompleted();
  }

  @Override
  public void analyzeExperimentData(
      AnalyzeExperimentDataRequest r, StreamObserver<AnalyzeExperimentDataResponse> obs) {
    ExperimentReports.Report report =
        reports.analyzeSupplied(ResultsProtos.data(r), r.getCurrencyCode());
    obs.onNext(
        AnalyzeExperimentDataResponse.newBuilder()
            .setResults(ResultsProtos.toProto(report))
            .build());
    obs.onCompleted();
  }

  @Override
  public void getExperimentAggregates(
      GetExperimentAggregatesRequest r, StreamObserver<GetExperimentAggregatesResponse> obs) {
    id(r.getExperimentId(), "experiment_id");
    Result result = aggregates.compute(experiments.get(r.getExperimentId()), clock.instant());
    ExperimentAggregates.Builder b =
        ExperimentAggregates.newBuilder()
            .setExperimentId(r.getExperimentId())
            .setComputedAt(CampaignProtos.timestamp(result.computedAt()))
            .setUnit(ExperimentProtos.toProto(result.experiment()).getUnit())
            .setAttributionWindow(
                Duration.newBuilder()
                    .setSeconds(result.experiment().attributionWindow().toSeconds()))
            .setCurrencyCode(result.currencyCode());
    for (var a : result.arms()) {
      b.addArms(
          ArmAggregate.newBuilder()
              .setVariantKey(a.variantKey())
              .setControl(a.control())
              .setHoldout(a.holdout())
              .setSurface(
                  a.surface()
                      .map(s -> Surface.valueOf("SURFACE_" + s.name()))
                      .orElse(Surface.SURFACE_UNSPECIFIED))
              .setIntendedWeight(a.intendedWeight())
              .setUnits(a.units())
              .setConvertedUnits(a.convertedUnits())
              .setRevenueSum(a.revenueSum())
              .setRevenueSumOfSquares(a.revenueSumOfSquares())
              .setDismissedUnits(a.dismissedUnits()));
    }
    obs.onNext(GetExperimentAggregatesResponse.newBuilder().setAggregates(b).build());
    obs.onCompleted();
  }

  @Override
  public void getPromptFunnel(
      GetPromptFunnelRequest r, StreamObserver<GetPromptFunnelResponse> obs) {
    FunnelProtos.Query q = FunnelProtos.query(r);
    obs.onNext(FunnelProtos.toProto(funnel.between(q.from(), q.to(), q.campaignId())));
    obs.onCompleted();
  }

  private static void id(String id, String field) {
    Validation v = Validation.of();
    v.identifier(field, id);
    v.throwIfInvalid();
  }

  private static void optionalId(String id, String field) {
    Validation v = Validation.of();
    v.optionalIdentifier(field, id);
    v.throwIfInvalid();
  }

  private static void requestId(String requestId) {
    optionalId(requestId, "request_id");
  }

  private static void version(long expected) {
    if (expected < 0) {
      throw DomainException.InvalidArgument.of(
          "expected_version", "must be >= 0 (0 skips the check)");
    }
  }
}
