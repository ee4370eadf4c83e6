package dev.headroom.prompt.db;

import java.sql.SQLException;
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
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

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

  String COLUMNS =
      "decision_id, decided_at, account_id, user_id, campaign_id, campaign_version, experiment_id,"
          + " unit_id, variant_key, holdout, surface, feature_key";

  String COPY = "COPY exposure (" + COLUMNS + ") FROM STDIN (FORMAT binary)";

  /** The rows not stored yet, the columns passed as arrays; a stored decision id is skipped. */
  String INSERT_SKIPPING_STORED =
      "INSERT INTO exposure ("
          + COLUMNS
          + """
          )
          SELECT * FROM unnest(:decisionIds, CAST(:decidedAts AS timestamptz[]), :accountIds,
            :userIds, :campaignIds, :campaignVersions, :experimentIds, :unitIds, :variantKeys,
            :holdouts, :surfaces, :featureKeys)
          ON CONFLICT (decision_id) DO NOTHING\
          """;

  String UNIQUE_VIOLATION = "23505";

  /**
   * Writes a batch with one binary COPY: no statement to parse or plan, no text for the server to
   * parse, the heap rows written together. COPY cannot skip a row that is already stored, so a
   * batch that meets one (redelivered after a commit whose outcome was unknown) is written again by
   * {@link #insertSkippingStored}, which leaves the stored rows as they are.
   */
  static void write(Handle handle, List<ExposureRow> rows) throws SQLException {
    byte[] encoded = ExposureCopy.encode(rows);
    CopyIn copy = handle.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
    boolean someStoredAlready = false;
    try {
      copy.writeToCopy(encoded, 0, encoded.length);
      copy.endCopy();
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      someStoredAlready = true;
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    if (someStoredAlready) {
      insertSkippingStored(handle, rows);
    }
  }

  /** Writes the rows that are not stored yet, in one statement. */
  static void insertSkippingStored(Handle handle, List<ExposureRow> rows) {
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
        .createUpdate(INSERT_SKIPPING_STORED)
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
