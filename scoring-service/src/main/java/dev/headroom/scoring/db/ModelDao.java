package dev.headroom.scoring.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Model versions: weights, parameters, fit quality and re-score progress. */
@RegisterConstructorMapper(ModelDao.ModelRow.class)
public interface ModelDao {

  /** One model version; quality columns are null unless a fit produced it. */
  record ModelRow(
      long version,
      String status,
      String source,
      int capacityPoints,
      int featurePoints,
      int engagementPoints,
      int growthPoints,
      int valuePoints,
      int premiumAttemptsForFullPoints,
      int growthPointsPerNewUser,
      int expectedWorkflowsPerSeat,
      long fieldSalesThresholdMinor,
      String fieldSalesThresholdCurrency,
      String description,
      Double qualityAuc,
      Double qualityLogLoss,
      Integer qualityHoldoutSize,
      Integer qualityHoldoutPositives,
      Double activeQualityAuc,
      Double activeQualityLogLoss,
      Integer activeQualityHoldoutSize,
      Integer activeQualityHoldoutPositives,
      List<String> coefficientNames,
      List<Double> coefficientValues,
      List<String> warningFields,
      List<String> warningDescriptions,
      String requestId,
      String requestFingerprint,
      OffsetDateTime createdAt,
      OffsetDateTime activatedAt,
      String activatedBy,
      Long rescoreTotal,
      Long rescoreDone,
      OffsetDateTime rescoreStartedAt,
      OffsetDateTime rescoreFinishedAt) {

    public boolean rescoreRunning() {
      return rescoreStartedAt != null && rescoreFinishedAt == null;
    }
  }

  @SqlQuery("SELECT * FROM model ORDER BY version DESC")
  List<ModelRow> all();

  @SqlQuery("SELECT * FROM model WHERE version = :v")
  Optional<ModelRow> get(@Bind("v") long version);

  @SqlQuery("SELECT * FROM model WHERE request_id = :r")
  Optional<ModelRow> byRequestId(@Bind("r") String requestId);

  @SqlQuery("SELECT * FROM model WHERE status = 'ACTIVE'")
  Optional<ModelRow> active();

  /**
   * The active version, share-locked until the caller's transaction ends: an activation waits for
   * scores being written with the old model, and every score written after it committed uses the
   * new one.
   */
  @SqlQuery("SELECT version FROM model WHERE status = 'ACTIVE' FOR SHARE")
  Optional<Long> activeVersionLocked();

  /** Locks every model row: activation decisions see a stable picture. */
  @SqlQuery("SELECT * FROM model ORDER BY version FOR UPDATE")
  List<ModelRow> lockAll();

  @SqlQuery("SELECT nextval('model_version_seq')")
  long nextVersion();

  @SqlUpdate(
      """
      INSERT INTO model (version, status, source, capacity_points, feature_points, engagement_points,
        growth_points, value_points, premium_attempts_for_full_points, growth_points_per_new_user,
        expected_workflows_per_seat, field_sales_threshold_minor, field_sales_threshold_currency, description,
        quality_auc, quality_log_loss, quality_holdout_size, quality_holdout_positives,
        active_quality_auc, active_quality_log_loss, active_quality_holdout_size,
        active_quality_holdout_positives, coefficient_names, coefficient_values, warning_fields,
        warning_descriptions, request_id, request_fingerprint, created_at)
      VALUES (:version, :status, :source, :capacityPoints, :featurePoints, :engagementPoints,
        :growthPoints, :valuePoints, :premiumAttemptsForFullPoints, :growthPointsPerNewUser,
        :expectedWorkflowsPerSeat, :fieldSalesThresholdMinor, :fieldSalesThresholdCurrency, :description,
        :qualityAuc, :qualityLogLoss, :qualityHoldoutSize, :qualityHoldoutPositives,
        :activeQualityAuc, :activeQualityLogLoss, :activeQualityHoldoutSize,
        :activeQualityHoldoutPositives, :coefficientNames, :coefficientValues, :warningFields,
        :warningDescriptions, :requestId, :requestFingerprint, :createdAt)\
      """)
  void insert(@BindMethods ModelRow row);

  @SqlUpdate("UPDATE model SET status = 'RETIRED' WHERE status = 'ACTIVE'")
  int retireActive();

  @SqlUpdate(
      """
      UPDATE model SET status = 'ACTIVE', activated_at = :at, activated_by = :by, rescore_total = :total,
        rescore_done = 0, rescore_started_at = :at, rescore_finished_at = NULL
      WHERE version = :v\
      """)
  int activate(
      @Bind("v") long version,
      @Bind("at") OffsetDateTime at,
      @Bind("by") String actor,
      @Bind("total") long total);

  @SqlUpdate(
      "UPDATE model SET rescore_done = LEAST(rescore_total, rescore_done + :n) WHERE version = :v")
  void addRescoreProgress(@Bind("v") long version, @Bind("n") long done);

  @SqlUpdate(
      "UPDATE model SET rescore_done = rescore_total, rescore_finished_at = :at WHERE version = :v")
  void finishRescore(@Bind("v") long version, @Bind("at") OffsetDateTime at);

  @SqlQuery(
      "SELECT * FROM model WHERE rescore_started_at IS NOT NULL AND rescore_finished_at IS NULL")
  List<ModelRow> unfinishedRescores();
}
