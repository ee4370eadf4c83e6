package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
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

  /**
   * Inserts a batch in one statement (one bind and one execution however many rows, where a JDBC
   * batch costs both per row), the columns passed as arrays. A redelivered batch (after a failed
   * commit whose outcome was unknown) changes nothing.
   */
  String INSERT_BATCH =
      """
      INSERT INTO exposure (decision_id, decided_at, account_id, user_id, campaign_id,
        campaign_version, experiment_id, unit_id, variant_key, holdout, surface, feature_key)
      SELECT * FROM unnest(:decisionIds, CAST(:decidedAts AS timestamptz[]), :accountIds, :userIds,
        :campaignIds, :campaignVersions, :experimentIds, :unitIds, :variantKeys, :holdouts,
        :surfaces, :featureKeys)
      ON CONFLICT (decision_id) DO NOTHING\
      """;

  /**
   * Writes the rows on the handle, outside the SQL-object machinery, whose attach and per-row
   * reflective binding cost more than the insert itself on this hot path.
   */
  static void insert(Handle handle, List<ExposureRow> rows) {
    int n = rows.size();
    String[] decisionIds = new String[n];
    String[] decidedAts = new String[n];
    String[] accountIds = new String[n];
    String[] userIds = new String[n];
    String[] campaignIds = new String[n];
    Long[] campaignVersions = new Long[n];
    String[] experimentIds = new String[n];
    String[] unitIds = new String[n];
    String[] variantKeys = new String[n];
    Boolean[] holdouts = new Boolean[n];
    String[] surfaces = new String[n];
    String[] featureKeys = new String[n];
    for (int i = 0; i < n; i++) {
      ExposureRow r = rows.get(i);
      decisionIds[i] = r.decisionId();
      decidedAts[i] = asSent(r.decidedAt());
      accountIds[i] = r.accountId();
      userIds[i] = r.userId();
      campaignIds[i] = r.campaignId();
      campaignVersions[i] = r.campaignVersion();
      experimentIds[i] = r.experimentId();
      unitIds[i] = r.unitId();
      variantKeys[i] = r.variantKey();
      holdouts[i] = r.holdout();
      surfaces[i] = r.surface();
      featureKeys[i] = r.featureKey();
    }
    handle
        .createUpdate(INSERT_BATCH)
        .bind("decisionIds", array("text", decisionIds))
        .bind("decidedAts", array("text", decidedAts))
        .bind("accountIds", array("text", accountIds))
        .bind("userIds", array("text", userIds))
        .bind("campaignIds", array("text", campaignIds))
        .bind("campaignVersions", array("int8", campaignVersions))
        .bind("experimentIds", array("text", experimentIds))
        .bind("unitIds", array("text", unitIds))
        .bind("variantKeys", array("text", variantKeys))
        .bind("holdouts", array("bool", holdouts))
        .bind("surfaces", array("text", surfaces))
        .bind("featureKeys", array("text", featureKeys))
        .execute();
  }

  /**
   * The timestamp as the JDBC driver sends one bound on its own: rounded half up to PostgreSQL's
   * microseconds, so the text cast stores exactly the same instant.
   */
  private static String asSent(OffsetDateTime t) {
    OffsetDateTime rounded = t.getNano() % 1000 > 499 ? t.plusNanos(1000) : t;
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(rounded.truncatedTo(ChronoUnit.MICROS));
  }

  private static Argument array(String elementType, Object[] values) {
    return (position, statement, ctx) ->
        statement.setArray(position, statement.getConnection().createArrayOf(elementType, values));
  }

  @SqlQuery(
      """
      SELECT account_id, user_id, campaign_id, decided_at FROM exposure
      WHERE decided_at > :since ORDER BY decided_at\
      """)
  List<ImpressionRow> since(@Bind("since") OffsetDateTime since);

  @SqlQuery("SELECT * FROM exposure WHERE decision_id = :id")
  Optional<ExposureRow> get(@Bind("id") String decisionId);
}
