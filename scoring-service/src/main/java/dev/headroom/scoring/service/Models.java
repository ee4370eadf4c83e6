package dev.headroom.scoring.service;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.scoring.db.ModelDao;
import dev.headroom.scoring.db.ModelDao.ModelRow;
import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.domain.ScoreCategory;
import dev.headroom.scoring.domain.ScoringModel;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Model versions as data: reading, proposing, activating. Weights of a stored version never change,
 * so versions are cached once read. Activation only flips statuses and records the re-score's
 * start; the re-score itself runs in the background ({@link Rescorer}).
 */
public final class Models {
  private final Jdbi jdbi;
  private final Clock clock;
  private final Map<Long, ScoringModel> cache = new ConcurrentHashMap<>();
  private volatile LongConsumer onActivated = v -> {};

  public Models(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Called after an activation committed, with the new active version (starts the re-score). */
  public void onActivated(LongConsumer listener) {
    this.onActivated = listener;
  }

  static ScoringModel toDomain(ModelRow r) {
    Map<ScoreCategory, Integer> w = new EnumMap<>(ScoreCategory.class);
    w.put(ScoreCategory.CAPACITY_UTILIZATION, r.capacityPoints());
    w.put(ScoreCategory.FEATURE_READINESS, r.featurePoints());
    w.put(ScoreCategory.ENGAGEMENT_INTENSITY, r.engagementPoints());
    w.put(ScoreCategory.GROWTH_TRAJECTORY, r.growthPoints());
    w.put(ScoreCategory.VALUE_REALIZATION, r.valuePoints());
    return new ScoringModel(
        r.version(),
        w,
        r.premiumAttemptsForFullPoints(),
        r.growthPointsPerNewUser(),
        r.expectedWorkflowsPerSeat(),
        r.fieldSalesThresholdMinor());
  }

  /** The scoring model of a stored version. */
  public ScoringModel model(long version) {
    ScoringModel m = cache.get(version);
    if (m == null) {
      m = toDomain(row(version));
      cache.put(version, m);
    }
    return m;
  }

  public ModelVersion get(long version) {
    return ModelVersion.of(row(version));
  }

  ModelRow row(long version) {
    return jdbi.withExtension(ModelDao.class, d -> d.get(version))
        .orElseThrow(() -> new DomainException.NotFound("model", Long.toString(version)));
  }

  public List<ModelVersion> list() {
    return jdbi.withExtension(ModelDao.class, ModelDao::all).stream()
        .map(ModelVersion::of)
        .toList();
  }

  ModelRow active() {
    return jdbi.withExtension(ModelDao.class, ModelDao::active)
        .orElseThrow(() -> new IllegalStateException("no active model"));
  }

  /**
   * The active version inside the caller's transaction, share-locked (see {@link
   * ModelDao#activeVersionLocked}). Right after an activation commits, a statement that started
   * before it can find no ACTIVE row (the old one no longer qualifies, the new one was not ACTIVE
   * in its snapshot); a fresh statement sees the new one.
   */
  public long activeVersionLocked(Handle h) {
    ModelDao dao = h.attach(ModelDao.class);
    for (int attempt = 0; attempt < 10; attempt++) {
      Optional<Long> v = dao.activeVersionLocked();
      if (v.isPresent()) {
        return v.get();
      }
    }
    throw new IllegalStateException("no active model");
  }

  /**
   * Stores a client's model as a MANUAL proposal; a retry with the same request id returns the
   * first result.
   */
  public ModelVersion propose(
      ScoringModel candidate,
      String thresholdCurrency,
      String description,
      String requestId,
      String fingerprint) {
    return ModelVersion.of(
        propose(
            draft(
                candidate,
                ModelVersion.Source.MANUAL,
                thresholdCurrency,
                description,
                requestId,
                fingerprint)));
  }

  /** Stores a proposal (PROPOSED); a retry with the same request id returns the first result. */
  ModelRow propose(ModelRow draft) {
    return jdbi.inTransaction(
        h -> {
          ModelDao dao = h.attach(ModelDao.class);
          if (draft.requestId() != null) {
            Optional<ModelRow> existing = dao.byRequestId(draft.requestId());
            if (existing.isPresent()) {
              return sameRequest(existing.get(), draft);
            }
          }
          long version = dao.nextVersion();
          ModelRow row =
              withVersion(
                  draft, version, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
          dao.insert(row);
          return dao.get(version).orElseThrow();
        });
  }

  /** The stored row for a request id, or empty. */
  Optional<ModelRow> byRequestId(String requestId) {
    return jdbi.withExtension(ModelDao.class, d -> d.byRequestId(requestId));
  }

  private static ModelRow sameRequest(ModelRow existing, ModelRow draft) {
    if (!existing.requestFingerprint().equals(draft.requestFingerprint())) {
      throw DomainException.InvalidArgument.of(
          "request_id",
          "was already used for a different request (version " + existing.version() + ")");
    }
    return existing;
  }

  /**
   * Makes {@code version} the active model and records the start of its re-score; the previous one
   * is retired.
   */
  public ModelVersion activate(long version, String actor) {
    ModelRow activated =
        jdbi.inTransaction(
            h -> {
              ModelDao dao = h.attach(ModelDao.class);
              List<ModelRow> all = dao.lockAll();
              ModelRow target =
                  all.stream()
                      .filter(m -> m.version() == version)
                      .findFirst()
                      .orElseThrow(
                          () -> new DomainException.NotFound("model", Long.toString(version)));
              if (target.status().equals(ModelVersion.Status.ACTIVE.name())) {
                throw new DomainException.FailedPrecondition(
                    "model " + version + " is already active", Map.of());
              }
              Optional<ModelRow> running =
                  all.stream().filter(ModelRow::rescoreRunning).findFirst();
              if (running.isPresent()) {
                throw new DomainException.FailedPrecondition(
                    Reason.RESCORE_RUNNING,
                    "the re-score for model "
                        + running.get().version()
                        + " is still running ("
                        + running.get().rescoreDone()
                        + " of "
                        + running.get().rescoreTotal()
                        + ")",
                    Map.of("model_version", Long.toString(running.get().version())));
              }
              long total = h.attach(ScoreDao.class).countCurrent();
              dao.retireActive();
              dao.activate(
                  version,
                  OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC),
                  actor == null ? "" : actor,
                  total);
              return dao.get(version).orElseThrow();
            });
    onActivated.accept(version);
    return ModelVersion.of(activated);
  }

  private static ModelRow withVersion(ModelRow r, long version, OffsetDateTime createdAt) {
    return new ModelRow(
        version,
        r.status(),
        r.source(),
        r.capacityPoints(),
        r.featurePoints(),
        r.engagementPoints(),
        r.growthPoints(),
        r.valuePoints(),
        r.premiumAttemptsForFullPoints(),
        r.growthPointsPerNewUser(),
        r.expectedWorkflowsPerSeat(),
        r.fieldSalesThresholdMinor(),
        r.fieldSalesThresholdCurrency(),
        r.description(),
        r.qualityAuc(),
        r.qualityLogLoss(),
        r.qualityHoldoutSize(),
        r.qualityHoldoutPositives(),
        r.activeQualityAuc(),
        r.activeQualityLogLoss(),
        r.activeQualityHoldoutSize(),
        r.activeQualityHoldoutPositives(),
        r.coefficientNames(),
        r.coefficientValues(),
        r.warningFields(),
        r.warningDescriptions(),
        r.requestId(),
        r.requestFingerprint(),
        createdAt,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** A draft row for a proposal from domain weights; quality and coefficients empty. */
  static ModelRow draft(
      ScoringModel m,
      ModelVersion.Source source,
      String thresholdCurrency,
      String description,
      String requestId,
      String fingerprint) {
    return new ModelRow(
        0,
        ModelVersion.Status.PROPOSED.name(),
        source.name(),
        m.maxPoints(ScoreCategory.CAPACITY_UTILIZATION),
        m.maxPoints(ScoreCategory.FEATURE_READINESS),
        m.maxPoints(ScoreCategory.ENGAGEMENT_INTENSITY),
        m.maxPoints(ScoreCategory.GROWTH_TRAJECTORY),
        m.maxPoints(ScoreCategory.VALUE_REALIZATION),
        m.premiumAttemptsForFullPoints(),
        m.growthPointsPerNewUser(),
        m.expectedWorkflowsPerSeat(),
        m.fieldSalesArrThresholdMinor(),
        thresholdCurrency,
        description,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        requestId,
        fingerprint,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
