package dev.headroom.scoring.service;

import dev.headroom.scoring.db.ModelDao.ModelRow;
import dev.headroom.scoring.domain.ScoringModel;
import dev.headroom.scoring.domain.learning.FitWarning;
import dev.headroom.scoring.domain.learning.ModelQuality;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stored model version as the API shows it.
 *
 * @param quality the fit's quality on its holdout; empty unless a fit produced the version
 * @param activeModelQuality the then active model's quality on the same holdout (fits only)
 * @param coefficients the fitted logistic coefficients by name, in fit order (fits only)
 * @param rescore the re-score this version's activation started; empty until activated
 */
public record ModelVersion(
    ScoringModel model,
    Status status,
    Source source,
    String fieldSalesThresholdCurrency,
    String description,
    Optional<ModelQuality> quality,
    Optional<ModelQuality> activeModelQuality,
    Map<String, Double> coefficients,
    List<FitWarning> warnings,
    Optional<Instant> createdAt,
    Optional<Instant> activatedAt,
    Optional<RescoreProgress> rescore) {

  public enum Status {
    PROPOSED,
    ACTIVE,
    RETIRED
  }

  public enum Source {
    SEED,
    FIT,
    MANUAL
  }

  /**
   * @param finishedAt empty while the re-score runs
   */
  public record RescoreProgress(
      long accountsTotal, long accountsDone, Instant startedAt, Optional<Instant> finishedAt) {}

  static ModelVersion of(ModelRow r) {
    Map<String, Double> coefficients = new LinkedHashMap<>();
    for (int i = 0; i < r.coefficientNames().size(); i++) {
      coefficients.put(r.coefficientNames().get(i), r.coefficientValues().get(i));
    }
    List<FitWarning> warnings = new ArrayList<>();
    for (int i = 0; i < r.warningFields().size(); i++) {
      warnings.add(new FitWarning(r.warningFields().get(i), r.warningDescriptions().get(i)));
    }
    Optional<RescoreProgress> rescore =
        Optional.ofNullable(r.rescoreStartedAt())
            .map(
                started ->
                    new RescoreProgress(
                        r.rescoreTotal() == null ? 0 : r.rescoreTotal(),
                        r.rescoreDone() == null ? 0 : r.rescoreDone(),
                        started.toInstant(),
                        instant(r.rescoreFinishedAt())));
    return new ModelVersion(
        Models.toDomain(r),
        Status.valueOf(r.status()),
        Source.valueOf(r.source()),
        r.fieldSalesThresholdCurrency(),
        r.description(),
        r.qualityAuc() == null
            ? Optional.empty()
            : Optional.of(
                new ModelQuality(
                    r.qualityAuc(),
                    r.qualityLogLoss(),
                    r.qualityHoldoutSize(),
                    r.qualityHoldoutPositives())),
        r.activeQualityAuc() == null
            ? Optional.empty()
            : Optional.of(
                new ModelQuality(
                    r.activeQualityAuc(),
                    r.activeQualityLogLoss(),
                    r.activeQualityHoldoutSize(),
                    r.activeQualityHoldoutPositives())),
        coefficients,
        warnings,
        instant(r.createdAt()),
        instant(r.activatedAt()),
        rescore);
  }

  private static Optional<Instant> instant(OffsetDateTime t) {
    return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
  }
}
