package dev.headroom.scoring.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.scoring.v1.ActivateModelRequest;
import dev.headroom.api.scoring.v1.ActivateModelResponse;
import dev.headroom.api.scoring.v1.CategoryWeight;
import dev.headroom.api.scoring.v1.CreateModelRequest;
import dev.headroom.api.scoring.v1.CreateModelResponse;
import dev.headroom.api.scoring.v1.FitModelRequest;
import dev.headroom.api.scoring.v1.FitModelResponse;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresRequest;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresResponse;
import dev.headroom.api.scoring.v1.GetModelRequest;
import dev.headroom.api.scoring.v1.GetModelResponse;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.GetScoreResponse;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceResponse;
import dev.headroom.api.scoring.v1.ListModelsRequest;
import dev.headroom.api.scoring.v1.ListModelsResponse;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.ListOutcomesResponse;
import dev.headroom.api.scoring.v1.ListScoreHistoryRequest;
import dev.headroom.api.scoring.v1.ListScoreHistoryResponse;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Model;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.RecordOutcomeResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoreCategory;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.outbox.OutboxEntry;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.validation.Limits;
import dev.headroom.kit.validation.Validation;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ScoringModel;
import dev.headroom.scoring.domain.learning.FitOptions;
import dev.headroom.scoring.domain.learning.OutcomeResult;
import dev.headroom.scoring.domain.learning.PerformanceQuery;
import dev.headroom.scoring.domain.learning.SignalPerformance;
import dev.headroom.scoring.mapping.MeasuresProtos;
import dev.headroom.scoring.mapping.ModelProtos;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.service.Measures;
import dev.headroom.scoring.service.ModelVersion;
import dev.headroom.scoring.service.Models;
import dev.headroom.scoring.service.Outcomes;
import dev.headroom.scoring.service.RecordedOutcome;
import dev.headroom.scoring.service.ScoreQueries;
import io.grpc.stub.StreamObserver;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The ScoringService contract: validates, maps to the domain, delegates, maps back. */
public final class ScoringGrpcService extends ScoringServiceGrpc.ScoringServiceImplBase {
  /** The outbox stream of score changes. */
  public static final String SCORES_STREAM = "scores";

  private static final Duration MAX_FUTURE_SKEW = Duration.ofHours(24);
  private static final int MAX_EXTERNAL_REF_CHARS = 256;

  private final ScoreQueries queries;
  private final Models models;
  private final Outcomes outcomes;
  private final Measures measures;
  private final OutboxWatch watch;
  private final Clock clock;

  public ScoringGrpcService(
      ScoreQueries queries,
      Models models,
      Outcomes outcomes,
      Measures measures,
      OutboxWatch watch,
      Clock clock) {
    this.queries = queries;
    this.models = models;
    this.outcomes = outcomes;
    this.measures = measures;
    this.watch = watch;
    this.clock = clock;
  }

  // ---- scores
  // ---------------------------------------------------------------------------------------------

  @Override
  public void getScore(GetScoreRequest req, StreamObserver<GetScoreResponse> obs) {
    requireId("account_id", req.getAccountId());
    reply(
        obs,
        GetScoreResponse.newBuilder().setScore(parse(queries.get(req.getAccountId()))).build());
  }

  @Override
  public void listScores(ListScoresRequest req, StreamObserver<ListScoresResponse> obs) {
    DomainException.Violations v = new DomainException.Violations();
    Set<dev.headroom.scoring.domain.ReadinessBand> bands =
        EnumSet.noneOf(dev.headroom.scoring.domain.ReadinessBand.class);
    for (int i = 0; i < req.getBandsCount(); i++) {
      ReadinessBand b = req.getBands(i);
      if (b == ReadinessBand.READINESS_BAND_UNSPECIFIED || b == ReadinessBand.UNRECOGNIZED) {
        v.add("bands[" + i + "]", "must be a band");
      } else {
        bands.add(ScoreProtos.band(b));
      }
    }
    Set<dev.headroom.scoring.domain.ExpansionType> types =
        EnumSet.noneOf(dev.headroom.scoring.domain.ExpansionType.class);
    for (int i = 0; i < req.getTypesCount(); i++) {
      ExpansionType t = req.getTypes(i);
      if (t == ExpansionType.EXPANSION_TYPE_UNSPECIFIED || t == ExpansionType.UNRECOGNIZED) {
        v.add("types[" + i + "]", "must be an expansion type");
      } else {
        types.add(ScoreProtos.type(t));
      }
    }
    Set<dev.headroom.scoring.domain.RecommendedMotion> motions =
        EnumSet.noneOf(dev.headroom.scoring.domain.RecommendedMotion.class);
    for (int i = 0; i < req.getMotionsCount(); i++) {
      RecommendedMotion m = req.getMotions(i);
      if (m == RecommendedMotion.RECOMMENDED_MOTION_UNSPECIFIED
          || m == RecommendedMotion.UNRECOGNIZED) {
        v.add("motions[" + i + "]", "must be a motion");
      } else {
        motions.add(ScoreProtos.motion(m));
      }
    }
    v.check(
        req.getMinScore() >= 0 && req.getMinScore() <= 100, "min_score", "must be within 0-100");
    v.throwIfAny();
    ScoreQueries.Page page =
        queries.list(
            new ScoreQueries.Filter(bands, types, motions, req.getMinScore()),
            req.getPageSize(),
            req.getPageToken());
    ListScoresResponse.Builder b =
        ListScoresResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.scores().forEach(s -> b.addScores(parse(s)));
    reply(obs, b.build());
  }

  @Override
  public void listScoreHistory(
      ListScoreHistoryRequest req, StreamObserver<ListScoreHistoryResponse> obs) {
    requireId("account_id", req.getAccountId());
    ScoreQueries.Page page =
        queries.history(req.getAccountId(), req.getPageSize(), req.getPageToken());
    ListScoreHistoryResponse.Builder b =
        ListScoreHistoryResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.scores().forEach(s -> b.addScores(parse(s)));
    reply(obs, b.build());
  }

  @Override
  public void watchScores(WatchScoresRequest req, StreamObserver<WatchScoresResponse> obs) {
    if (req.getAfterCursor() < 0) {
      throw DomainException.InvalidArgument.of("after_cursor", "must be >= 0");
    }
    watch.watch(SCORES_STREAM, req.getAfterCursor(), obs, ScoringGrpcService::change);
  }

  private static WatchScoresResponse change(OutboxEntry e) {
    try {
      return WatchScoresResponse.parseFrom(e.payload()).toBuilder().setCursor(e.seq()).build();
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("corrupt outbox payload at seq " + e.seq(), ex);
    }
  }

  // ---- outcomes
  // -------------------------------------------------------------------------------------------

  @Override
  public void recordOutcome(RecordOutcomeRequest req, StreamObserver<RecordOutcomeResponse> obs) {
    Outcome o = req.getOutcome();
    Validation v = Validation.of();
    Validation out = v.at("outcome");
    out.identifier("outcome_id", o.getOutcomeId());
    out.identifier("account_id", o.getAccountId());
    out.check(
        o.getResult() == dev.headroom.api.scoring.v1.OutcomeResult.OUTCOME_RESULT_WON
            || o.getResult() == dev.headroom.api.scoring.v1.OutcomeResult.OUTCOME_RESULT_LOST,
        "result",
        "must be WON or LOST");
    out.requiredEnum("expansion_type", o.getExpansionType());
    Instant occurredAt =
        out.requiredTimestamp("occurred_at", o.hasOccurredAt() ? o.getOccurredAt() : null);
    if (occurredAt != null && occurredAt.isAfter(clock.instant().plus(MAX_FUTURE_SKEW))) {
      out.fail("occurred_at", "must not be more than 24 h in the future");
    }
    String currency = o.getArrDelta().getCurrencyCode();
    if (o.hasArrDelta()) {
      out.money("arr_delta", currency, o.getArrDelta().getMinorUnits());
    }
    out.check(
        o.getResult() != dev.headroom.api.scoring.v1.OutcomeResult.OUTCOME_RESULT_LOST
            || o.getArrDelta().getMinorUnits() == 0,
        "arr_delta.minor_units",
        "must be 0 for a lost outcome");
    out.optionalEnum("source", o.getSource());
    out.text("external_ref", o.getExternalRef(), MAX_EXTERNAL_REF_CHARS);
    v.throwIfInvalid();
    Outcomes.Recorded r =
        outcomes.record(
            new Outcomes.OutcomeReport(
                o.getOutcomeId(),
                o.getAccountId(),
                o.getResult() == dev.headroom.api.scoring.v1.OutcomeResult.OUTCOME_RESULT_WON
                    ? OutcomeResult.WON
                    : OutcomeResult.LOST,
                ScoreProtos.type(o.getExpansionType()),
                new Money(currency, o.getArrDelta().getMinorUnits()),
                occurredAt,
                o.getSource().name(),
                o.getExternalRef()));
    reply(
        obs,
        RecordOutcomeResponse.newBuilder()
            .setOutcome(outcome(r.outcome()))
            .setDuplicate(r.duplicate())
            .build());
  }

  @Override
  public void listOutcomes(ListOutcomesRequest req, StreamObserver<ListOutcomesResponse> obs) {
    Validation v = Validation.of();
    v.optionalIdentifier("account_id", req.getAccountId());
    v.throwIfInvalid();
    Outcomes.Page<RecordedOutcome> page =
        outcomes.list(req.getAccountId(), req.getPageSize(), req.getPageToken());
    ListOutcomesResponse.Builder b =
        ListOutcomesResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.items().forEach(r -> b.addOutcomes(outcome(r)));
    reply(obs, b.build());
  }

  private static Outcome outcome(RecordedOutcome recorded) {
    Outcomes.OutcomeReport r = recorded.report();
    Outcome.Builder b =
        Outcome.newBuilder()
            .setOutcomeId(r.outcomeId())
            .setAccountId(r.accountId())
            .setResult(
                dev.headroom.api.scoring.v1.OutcomeResult.valueOf(
                    "OUTCOME_RESULT_" + r.result().name()))
            .setExpansionType(ScoreProtos.type(r.type()))
            .setArrDelta(ScoreProtos.money(r.arrDelta()))
            .setOccurredAt(ScoreProtos.ts(r.occurredAt()))
            .setSource(OutcomeSource.valueOf(r.source()))
            .setExternalRef(r.externalRef());
    recorded
        .preceding()
        .ifPresent(
            p -> b.setPrecedingScore(p.score()).setPrecedingBand(ScoreProtos.band(p.band())));
    return b.build();
  }

  @Override
  public void getSignalPerformance(
      GetSignalPerformanceRequest req, StreamObserver<GetSignalPerformanceResponse> obs) {
    Validation v = Validation.of();
    Instant since = v.optionalTimestamp("since", req.hasSince() ? req.getSince() : null);
    Instant until = v.optionalTimestamp("until", req.hasUntil() ? req.getUntil() : null);
    Duration window =
        v.duration(
            "conversion_window",
            req.hasConversionWindow() ? req.getConversionWindow() : null,
            Duration.ofSeconds(1),
            Limits.MAX_DURATION);
    v.optionalEnum("grouping", req.getGrouping());
    v.throwIfInvalid();
    if (window == null) {
      window = PerformanceQuery.DEFAULT_CONVERSION_WINDOW;
    }
    dev.headroom.scoring.domain.learning.PerformanceGrouping grouping =
        switch (req.getGrouping()) {
          case PERFORMANCE_GROUPING_BAND ->
              dev.headroom.scoring.domain.learning.PerformanceGrouping.BAND;
          case PERFORMANCE_GROUPING_MOTION ->
              dev.headroom.scoring.domain.learning.PerformanceGrouping.MOTION;
          case PERFORMANCE_GROUPING_SIGNAL_TYPE, PERFORMANCE_GROUPING_UNSPECIFIED ->
              dev.headroom.scoring.domain.learning.PerformanceGrouping.SIGNAL_TYPE;
          case UNRECOGNIZED -> throw new IllegalStateException("grouping checked above");
        };
    PerformanceQuery query =
        new PerformanceQuery(
            Optional.ofNullable(since), Optional.ofNullable(until), window, grouping);
    GetSignalPerformanceResponse.Builder b = GetSignalPerformanceResponse.newBuilder();
    for (SignalPerformance p : outcomes.performance(query)) {
      dev.headroom.api.scoring.v1.SignalPerformance.Builder row =
          dev.headroom.api.scoring.v1.SignalPerformance.newBuilder()
              .setSignalType(ScoreProtos.signalType(p.signalType()))
              .setFired(p.fired())
              .setConverted(p.converted())
              .setConversionRate(p.conversionRate())
              .setConversionRateLow(p.conversionRateLow())
              .setConversionRateHigh(p.conversionRateHigh())
              .setMedianDaysToExpansion(p.medianDaysToExpansion());
      p.band().ifPresent(x -> row.setBand(ScoreProtos.band(x)));
      p.motion().ifPresent(x -> row.setMotion(ScoreProtos.motion(x)));
      p.averageArrDelta().ifPresent(m -> row.setAverageArrDelta(ScoreProtos.money(m)));
      b.addRows(row);
    }
    reply(obs, b.build());
  }

  // ---- business measures
  // -----------------------------------------------------------------------------------

  @Override
  public void getBusinessMeasures(
      GetBusinessMeasuresRequest req, StreamObserver<GetBusinessMeasuresResponse> obs) {
    Validation v = Validation.of();
    Instant from = v.requiredTimestamp("from", req.hasFrom() ? req.getFrom() : null);
    Instant to = v.requiredTimestamp("to", req.hasTo() ? req.getTo() : null);
    v.throwIfInvalid();
    reply(obs, MeasuresProtos.response(measures.of(from, to)));
  }

  // ---- models
  // ---------------------------------------------------------------------------------------------

  @Override
  public void listModels(ListModelsRequest req, StreamObserver<ListModelsResponse> obs) {
    ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
    models.list().forEach(m -> b.addModels(ModelProtos.model(m)));
    reply(obs, b.build());
  }

  @Override
  public void getModel(GetModelRequest req, StreamObserver<GetModelResponse> obs) {
    reply(
        obs,
        GetModelResponse.newBuilder()
            .setModel(ModelProtos.model(models.get(req.getVersion())))
            .build());
  }

  @Override
  public void createModel(CreateModelRequest req, StreamObserver<CreateModelResponse> obs) {
    Model m = req.getModel();
    List<dev.headroom.scoring.domain.CategoryWeight> weights = new ArrayList<>();
    List<FieldViolation> violations = new ArrayList<>();
    for (int i = 0; i < m.getWeightsCount(); i++) {
      CategoryWeight w = m.getWeights(i);
      if (w.getCategory() == ScoreCategory.SCORE_CATEGORY_UNSPECIFIED
          || w.getCategory() == ScoreCategory.UNRECOGNIZED) {
        violations.add(
            new FieldViolation("model.weights[" + i + "].category", "must be a category"));
        weights.add(null);
      } else {
        weights.add(
            new dev.headroom.scoring.domain.CategoryWeight(
                ScoreProtos.category(w.getCategory()), w.getMaxPoints()));
      }
    }
    for (FieldViolation fv :
        ScoringModel.violations(
            weights,
            m.getPremiumAttemptsForFullPoints(),
            m.getGrowthPointsPerNewUser(),
            m.getExpectedWorkflowsPerSeat(),
            m.getFieldSalesArrThreshold().getMinorUnits())) {
      if (fv.description().equals("must be set")) {
        continue; // reported above with the reason
      }
      violations.add(new FieldViolation("model." + fv.field(), fv.description()));
    }
    Validation v = Validation.of();
    v.optionalIdentifier("request_id", req.getRequestId());
    v.text("model.description", m.getDescription(), Limits.MAX_LONG_TEXT_CHARS);
    if (m.hasFieldSalesArrThreshold()) {
      v.money(
          "model.field_sales_arr_threshold",
          m.getFieldSalesArrThreshold().getCurrencyCode(),
          m.getFieldSalesArrThreshold().getMinorUnits());
    }
    violations.addAll(v.violations());
    if (!violations.isEmpty()) {
      throw new DomainException.InvalidArgument(violations);
    }
    ScoringModel candidate =
        ScoringModel.validated(
            0,
            weights,
            m.getPremiumAttemptsForFullPoints(),
            m.getGrowthPointsPerNewUser(),
            m.getExpectedWorkflowsPerSeat(),
            m.getFieldSalesArrThreshold().getMinorUnits());
    ModelVersion proposed =
        models.propose(
            candidate,
            m.getFieldSalesArrThreshold().getCurrencyCode(),
            m.getDescription(),
            req.getRequestId().isEmpty() ? null : req.getRequestId(),
            fingerprint(m));
    reply(obs, CreateModelResponse.newBuilder().setModel(ModelProtos.model(proposed)).build());
  }

  @Override
  public void fitModel(FitModelRequest req, StreamObserver<FitModelResponse> obs) {
    Validation v = Validation.of();
    v.check(req.getHoldoutFraction() >= 0, "holdout_fraction", "must be in (0, 0.5]");
    v.optionalIdentifier("request_id", req.getRequestId());
    v.throwIfInvalid();
    FitOptions options = FitOptions.fromRequest(req.getHoldoutFraction(), req.getSeed());
    ModelVersion fitted =
        outcomes.fit(options, req.getRequestId().isEmpty() ? null : req.getRequestId());
    FitModelResponse.Builder b =
        FitModelResponse.newBuilder()
            .setModel(ModelProtos.model(fitted))
            .putAllCoefficients(fitted.coefficients());
    fitted.warnings().forEach(w -> b.addWarnings(ModelProtos.warning(w)));
    reply(obs, b.build());
  }

  @Override
  public void activateModel(ActivateModelRequest req, StreamObserver<ActivateModelResponse> obs) {
    Validation v = Validation.of();
    v.check(req.getVersion() > 0, "version", "must be positive");
    v.optionalIdentifier("actor", req.getActor());
    v.throwIfInvalid();
    reply(
        obs,
        ActivateModelResponse.newBuilder()
            .setModel(ModelProtos.model(models.activate(req.getVersion(), req.getActor())))
            .build());
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------------

  private static String fingerprint(Model m) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.toByteArray());
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requireId(String field, String id) {
    Validation v = Validation.of();
    v.identifier(field, id);
    v.throwIfInvalid();
  }

  private static Score parse(byte[] bytes) {
    try {
      return Score.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored score", e);
    }
  }

  private static <T> void reply(StreamObserver<T> obs, T message) {
    obs.onNext(message);
    obs.onCompleted();
  }
}
