package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Exposures, written in batches; read back for the caps after a restart. */
@RegisterConstructorMapper(ExposureDao.ExposureRow.class)
@RegisterConstructorMapper(ExposureDao.ImpressionRow.class)
public interface ExposureDao {

  record ExposureRow(
      String decisionId,
      OffsetDateTime decidedAt,
      String accountId,
      String userId,
      String campaignId,
      long campaignVersion,
      String experimentId,
      String unitId,
      String variantKey,
      boolean holdout,
      String surface,
      String featureKey) {}

  /** What the caps need of an exposure. */
  record ImpressionRow(
      String accountId, String userId, String campaignId, OffsetDateTime decidedAt) {}

  /** A redelivered batch (after a failed commit whose outcome was unknown) changes nothing. */
  @SqlBatch(
      """
      INSERT INTO exposure (decision_id, decided_at, account_id, user_id, campaign_id,
        campaign_version, experiment_id, unit_id, variant_key, holdout, surface, feature_key)
      VALUES (:decisionId, :decidedAt, :accountId, :userId, :campaignId, :campaignVersion,
        :experimentId, :unitId, :variantKey, :holdout, :surface, :featureKey)
      ON CONFLICT (decision_id) DO NOTHING\
      """)
  void insert(@BindMethods List<ExposureRow> rows);

  @SqlQuery(
      """
      SELECT account_id, user_id, campaign_id, decided_at FROM exposure
      WHERE decided_at > :since ORDER BY decided_at\
      """)
  List<ImpressionRow> since(@Bind("since") OffsetDateTime since);

  @SqlQuery("SELECT * FROM exposure WHERE decision_id = :id")
  Optional<ExposureRow> get(@Bind("id") String decisionId);
}
