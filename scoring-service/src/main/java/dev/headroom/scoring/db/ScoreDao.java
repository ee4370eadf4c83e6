package dev.headroom.scoring.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Current scores (one per account) and the history of material changes. */
public interface ScoreDao {

  /** Fractions are the five category fractions in canonical order: the fit's features. */
  record ScoreRow(
      String accountId,
      long revision,
      int score,
      String band,
      String motion,
      int typesMask,
      long modelVersion,
      OffsetDateTime asOf,
      OffsetDateTime computedAt,
      double fCapacity,
      double fFeature,
      double fEngagement,
      double fGrowth,
      double fValue,
      byte[] scorePb) {}

  record HistoryEntry(long id, byte[] scorePb) {}

  /** The score an outcome is recorded against. */
  record Preceding(
      int score,
      String band,
      double fCapacity,
      double fFeature,
      double fEngagement,
      double fGrowth,
      double fValue) {}

  /** A page row of the pipeline query; the sort key travels in the page token. */
  record RankedRow(String accountId, int score, byte[] scorePb) {}

  @SqlQuery("SELECT * FROM score_current WHERE account_id = :id")
  @RegisterConstructorMapper(ScoreRow.class)
  Optional<ScoreRow> current(@Bind("id") String accountId);

  /** The current scores of {@code accountIds}, their rows locked in account id order. */
  @SqlQuery(
      "SELECT * FROM score_current WHERE account_id = ANY(:ids) ORDER BY account_id FOR UPDATE")
  @RegisterConstructorMapper(ScoreRow.class)
  List<ScoreRow> currentForUpdate(@Bind("ids") String[] accountIds);

  @SqlBatch(
      """
      INSERT INTO score_current (account_id, revision, score, band, motion, types_mask, model_version, as_of,
        computed_at, f_capacity, f_feature, f_engagement, f_growth, f_value, score_pb)
      VALUES (:accountId, :revision, :score, :band, :motion, :typesMask, :modelVersion, :asOf, :computedAt,
        :fCapacity, :fFeature, :fEngagement, :fGrowth, :fValue, :scorePb)
      ON CONFLICT (account_id) DO UPDATE SET revision = EXCLUDED.revision, score = EXCLUDED.score,
        band = EXCLUDED.band, motion = EXCLUDED.motion, types_mask = EXCLUDED.types_mask,
        model_version = EXCLUDED.model_version, as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at,
        f_capacity = EXCLUDED.f_capacity, f_feature = EXCLUDED.f_feature,
        f_engagement = EXCLUDED.f_engagement, f_growth = EXCLUDED.f_growth, f_value = EXCLUDED.f_value,
        score_pb = EXCLUDED.score_pb\
      """)
  void upsertCurrent(@BindMethods List<ScoreRow> rows);

  @SqlUpdate(
      """
      INSERT INTO score_history (account_id, score, band, motion, model_version, as_of, computed_at,
        f_capacity, f_feature, f_engagement, f_growth, f_value, score_pb)
      VALUES (:accountId, :score, :band, :motion, :modelVersion, :asOf, :computedAt, :fCapacity, :fFeature,
        :fEngagement, :fGrowth, :fValue, :scorePb)\
      """)
  void insertHistory(@BindMethods ScoreRow row);

  @SqlQuery("SELECT count(*) FROM score_current")
  long countCurrent();

  /**
   * The pipeline, highest score first (ties by account id), keyset after (afterScore, afterId).
   * Empty filter arrays mean "any".
   */
  @SqlQuery(
      """
      SELECT account_id, score, score_pb FROM score_current
      WHERE score >= :minScore
        AND (cardinality(:bands) = 0 OR band = ANY(:bands))
        AND (cardinality(:motions) = 0 OR motion = ANY(:motions))
        AND (:typesMask = 0 OR (types_mask & :typesMask) <> 0)
        AND (:first OR score < :afterScore OR (score = :afterScore AND account_id > :afterId))
      ORDER BY score DESC, account_id
      LIMIT :limit\
      """)
  @RegisterConstructorMapper(RankedRow.class)
  List<RankedRow> rank(
      @Bind("minScore") int minScore,
      @Bind("bands") String[] bands,
      @Bind("motions") String[] motions,
      @Bind("typesMask") int typesMask,
      @Bind("first") boolean first,
      @Bind("afterScore") int afterScore,
      @Bind("afterId") String afterId,
      @Bind("limit") int limit);

  @SqlQuery(
      """
      SELECT id, score_pb FROM score_history WHERE account_id = :id AND id < :before
      ORDER BY id DESC LIMIT :limit\
      """)
  @RegisterConstructorMapper(HistoryEntry.class)
  List<HistoryEntry> history(
      @Bind("id") String accountId, @Bind("before") long beforeId, @Bind("limit") int limit);

  @SqlQuery("SELECT EXISTS (SELECT 1 FROM score_history WHERE account_id = :id)")
  boolean hasHistory(@Bind("id") String accountId);

  /** The latest history row describing the account at or before {@code at}. */
  @SqlQuery(
      """
      SELECT score, band, f_capacity, f_feature, f_engagement, f_growth, f_value FROM score_history
      WHERE account_id = :id AND as_of <= :at ORDER BY as_of DESC, id DESC LIMIT 1\
      """)
  @RegisterConstructorMapper(Preceding.class)
  Optional<Preceding> precedingFromHistory(
      @Bind("id") String accountId, @Bind("at") OffsetDateTime at);
}
