package dev.headroom.scoring.service;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.paging.PageRequest;
import dev.headroom.kit.paging.Paging;
import dev.headroom.scoring.db.AccountStateDao;
import dev.headroom.scoring.db.ModelDao.ModelRow;
import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.db.SignalOutcomeDao;
import dev.headroom.scoring.db.SignalOutcomeDao.OutcomeRow;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.SignalType;
import dev.headroom.scoring.domain.learning.CategoryFeatures;
import dev.headroom.scoring.domain.learning.FiredSignal;
import dev.headroom.scoring.domain.learning.FitOptions;
import dev.headroom.scoring.domain.learning.FitResult;
import dev.headroom.scoring.domain.learning.FitWarning;
import dev.headroom.scoring.domain.learning.LogisticRegressionFitter;
import dev.headroom.scoring.domain.learning.OutcomeRecord;
import dev.headroom.scoring.domain.learning.OutcomeResult;
import dev.headroom.scoring.domain.learning.PerformanceQuery;
import dev.headroom.scoring.domain.learning.SignalPerformance;
import dev.headroom.scoring.domain.learning.SignalPerformanceCalculator;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Jdbi;

/**
 * Outcomes against the scores that preceded them, signal performance, and fitting proposals from
 * outcomes.
 */
public final class Outcomes {
  private final Jdbi jdbi;
  private final Paging paging;
  private final Models models;
  private final Clock clock;

  public Outcomes(Jdbi jdbi, Paging paging, Models models, Clock clock) {
    this.jdbi = jdbi;
    this.paging = paging;
    this.models = models;
    this.clock = clock;
  }

  /** An outcome as a client reports it (validated); its currency may be left to the account's. */
  public record OutcomeReport(
      String outcomeId,
      String accountId,
      OutcomeResult result,
      ExpansionType type,
      Money arrDelta,
      Instant occurredAt,
      String source,
      String externalRef) {

    /** The outcome as the fitter and the performance calculator read it. */
    OutcomeRecord toRecord(Optional<CategoryFeatures> precedingFeatures) {
      return new OutcomeRecord(
          outcomeId, accountId, result, type, arrDelta, occurredAt, precedingFeatures);
    }
  }

  public record Recorded(RecordedOutcome outcome, boolean duplicate) {}

  public Recorded record(OutcomeReport o) {
    return jdbi.inTransaction(
        h -> {
          SignalOutcomeDao dao = h.attach(SignalOutcomeDao.class);
          Optional<OutcomeRow> existing = dao.outcome(o.outcomeId());
          if (existing.isPresent()) {
            return duplicateOrConflict(existing.get(), o);
          }
          ScoreDao scores = h.attach(ScoreDao.class);
          Optional<ScoreDao.ScoreRow> current = scores.current(o.accountId());
          if (current.isEmpty()) {
            throw new DomainException.NotFound("account", o.accountId());
          }
          String currency =
              h.attach(AccountStateDao.class)
                  .get(o.accountId())
                  .map(AccountStateDao.StateRow::currency)
                  .orElse("");
          String arrCurrency =
              o.arrDelta().currency().isEmpty() ? currency : o.arrDelta().currency();
          if (!arrCurrency.equals(currency)) {
            throw DomainException.InvalidArgument.of(
                "outcome.arr_delta.currency_code",
                "must be the account's currency " + currency + ", got " + arrCurrency);
          }
          OffsetDateTime at = ScoreRows.utc(o.occurredAt());
          Optional<ScoreDao.Preceding> preceding =
              !current.get().asOf().isAfter(at)
                  ? Optional.of(
                      new ScoreDao.Preceding(
                          current.get().score(),
                          current.get().band(),
                          current.get().fCapacity(),
                          current.get().fFeature(),
                          current.get().fEngagement(),
                          current.get().fGrowth(),
                          current.get().fValue()))
                  : scores.precedingFromHistory(o.accountId(), at);
          OutcomeRow row =
              new OutcomeRow(
                  o.outcomeId(),
                  o.accountId(),
                  o.result().name(),
                  o.type().name(),
                  arrCurrency,
                  o.arrDelta().minorUnits(),
                  at,
                  o.source(),
                  o.externalRef(),
                  preceding.map(ScoreDao.Preceding::score).orElse(null),
                  preceding.map(ScoreDao.Preceding::band).orElse(null),
                  preceding.map(ScoreDao.Preceding::fCapacity).orElse(null),
                  preceding.map(ScoreDao.Preceding::fFeature).orElse(null),
                  preceding.map(ScoreDao.Preceding::fEngagement).orElse(null),
                  preceding.map(ScoreDao.Preceding::fGrowth).orElse(null),
                  preceding.map(ScoreDao.Preceding::fValue).orElse(null),
                  ScoreRows.utc(clock.instant()));
          if (dao.insertOutcome(row) == 0) {
            // A concurrent request with the same id won.
            return duplicateOrConflict(dao.outcome(o.outcomeId()).orElseThrow(), o);
          }
          return new Recorded(RecordedOutcome.of(dao.outcome(o.outcomeId()).orElseThrow()), false);
        });
  }

  private static Recorded duplicateOrConflict(OutcomeRow stored, OutcomeReport o) {
    boolean same =
        stored.accountId().equals(o.accountId())
            && stored.result().equals(o.result().name())
            && stored.expansionType().equals(o.type().name())
            && stored.arrMinor() == o.arrDelta().minorUnits()
            && (o.arrDelta().currency().isEmpty()
                || stored.arrCurrency().equals(o.arrDelta().currency()))
            && stored.occurredAt().toInstant().equals(o.occurredAt())
            && stored.source().equals(o.source())
            && stored.externalRef().equals(o.externalRef());
    if (!same) {
      throw new DomainException.AlreadyExists("outcome", o.outcomeId());
    }
    return new Recorded(RecordedOutcome.of(stored), true);
  }

  public record Page<T>(List<T> items, String nextPageToken) {}

  public Page<RecordedOutcome> list(String accountId, int pageSize, String pageToken) {
    String scope = "ListOutcomes|" + accountId;
    PageRequest page = paging.request(scope, pageSize, pageToken);
    OffsetDateTime afterAt =
        page.firstPage() ? ScoreRows.utc(Instant.EPOCH) : parseTime(page.after().get(0));
    String afterId = page.firstPage() ? "" : page.after().get(1);
    List<OutcomeRow> rows =
        jdbi.withExtension(
            SignalOutcomeDao.class,
            d -> d.outcomes(accountId, page.firstPage(), afterAt, afterId, page.size() + 1));
    boolean more = rows.size() > page.size();
    List<OutcomeRow> shown = more ? rows.subList(0, page.size()) : rows;
    OutcomeRow last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
    return new Page<>(
        shown.stream().map(RecordedOutcome::of).toList(),
        paging.nextToken(
            scope,
            page,
            more,
            last == null ? List.of() : List.of(last.occurredAt().toString(), last.outcomeId())));
  }

  private static OffsetDateTime parseTime(String s) {
    try {
      return OffsetDateTime.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      // Only a token we signed gets here, so this is a bug, not bad input.
      throw new IllegalStateException("page token with a bad timestamp", e);
    }
  }

  public List<SignalPerformance> performance(PerformanceQuery query) {
    List<SignalOutcomeDao.FiredRow> rows =
        jdbi.withExtension(
            SignalOutcomeDao.class,
            d ->
                d.fired(
                    query.since().map(ScoreRows::utc).orElse(null),
                    query.until().map(ScoreRows::utc).orElse(null)));
    return new SignalPerformanceCalculator()
        .calculate(rows.stream().map(Outcomes::firedSignal).toList(), outcomeRecords(), query);
  }

  static FiredSignal firedSignal(SignalOutcomeDao.FiredRow r) {
    return new FiredSignal(
        r.accountId(),
        SignalType.valueOf(r.signalType()),
        r.since().toInstant(),
        r.score() == null ? OptionalInt.empty() : OptionalInt.of(r.score()),
        Optional.ofNullable(r.band()).map(ReadinessBand::valueOf),
        Optional.ofNullable(r.motion()).map(RecommendedMotion::valueOf));
  }

  private List<OutcomeRecord> outcomeRecords() {
    List<OutcomeRecord> out = new ArrayList<>();
    for (OutcomeRow r : jdbi.withExtension(SignalOutcomeDao.class, SignalOutcomeDao::allOutcomes)) {
      Optional<CategoryFeatures> features =
          r.fCapacity() == null
              ? Optional.empty()
              : Optional.of(
                  new CategoryFeatures(
                      r.fCapacity(), r.fFeature(), r.fEngagement(), r.fGrowth(), r.fValue()));
      out.add(RecordedOutcome.of(r).report().toRecord(features));
    }
    return out;
  }

  /**
   * Fits a proposal and stores it as PROPOSED; never activates. A retry with the same request id
   * returns the stored proposal.
   */
  public ModelVersion fit(FitOptions options, String requestId) {
    String fingerprint = "fit:" + options.holdoutFraction() + ":" + options.seed();
    if (requestId != null) {
      Optional<ModelRow> existing = models.byRequestId(requestId);
      if (existing.isPresent()) {
        if (!Objects.equals(existing.get().requestFingerprint(), fingerprint)) {
          throw DomainException.InvalidArgument.of(
              "request_id",
              "was already used for a different request (version "
                  + existing.get().version()
                  + ")");
        }
        return ModelVersion.of(existing.get());
      }
    }
    ModelRow active = models.active();
    FitResult fit =
        new LogisticRegressionFitter().fit(outcomeRecords(), Models.toDomain(active), options);
    ModelRow draft =
        Models.draft(
            fit.proposal(),
            ModelVersion.Source.FIT,
            active.fieldSalesThresholdCurrency(),
            "Fitted on "
                + fit.trainingSize()
                + " outcomes (holdout "
                + fit.proposalQuality().holdoutSize()
                + ", seed "
                + options.seed()
                + ") from model "
                + active.version(),
            requestId,
            fingerprint);
    List<String> warningFields = fit.warnings().stream().map(FitWarning::field).toList();
    List<String> warningTexts = fit.warnings().stream().map(FitWarning::description).toList();
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Map.Entry<String, Double> e : fit.coefficients().entrySet()) {
      names.add(e.getKey());
      values.add(e.getValue());
    }
    ModelRow withFit =
        new ModelRow(
            0,
            draft.status(),
            draft.source(),
            draft.capacityPoints(),
            draft.featurePoints(),
            draft.engagementPoints(),
            draft.growthPoints(),
            draft.valuePoints(),
            draft.premiumAttemptsForFullPoints(),
            draft.growthPointsPerNewUser(),
            draft.expectedWorkflowsPerSeat(),
            draft.fieldSalesThresholdMinor(),
            draft.fieldSalesThresholdCurrency(),
            draft.description(),
            fit.proposalQuality().auc(),
            fit.proposalQuality().logLoss(),
            fit.proposalQuality().holdoutSize(),
            fit.proposalQuality().holdoutPositives(),
            fit.activeModelQuality().auc(),
            fit.activeModelQuality().logLoss(),
            fit.activeModelQuality().holdoutSize(),
            fit.activeModelQuality().holdoutPositives(),
            names,
            values,
            warningFields,
            warningTexts,
            requestId,
            fingerprint,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    return ModelVersion.of(models.propose(withFit));
  }
}
