package dev.headroom.scoring.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGStatement;

/**
 * Set-based reads and writes for re-scoring many accounts: one keyset read per batch and one
 * statement per table per batch ({@code unnest} of arrays), so a batch of thousands of accounts
 * costs a handful of round trips instead of thousands. Plain JDBC because Jdbi has no binding for
 * {@code bytea[]}.
 */
public final class RescoreStore {
  private final String schema;

  public RescoreStore(String schema) {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("schema must be a plain identifier: " + schema);
    }
    this.schema = schema;
  }

  /**
   * One account to re-score: its stored snapshot (null if missing) and the current row it will
   * replace.
   */
  public record Input(
      String accountId, long revision, int previousScore, String previousBand, byte[] snapshot) {}

  /**
   * Accounts not yet scored by {@code modelVersion}, in account id order after {@code afterId}: the
   * current rows by the primary key, then their snapshots by key. Two index lookups instead of a
   * join, and planned for the actual parameters every time: a cached generic plan cannot see that
   * {@code account_id > ?} is selective and may settle on scanning both tables per batch, which
   * made a re-score of a million accounts slow down as it went.
   */
  public List<Input> read(Handle h, long modelVersion, String afterId, int limit)
      throws SQLException {
    Connection c = h.getConnection();
    List<String> ids = new ArrayList<>(limit);
    List<long[]> meta = new ArrayList<>(limit);
    List<String> bands = new ArrayList<>(limit);
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT account_id, revision, score, band FROM %s.score_current
            WHERE account_id > ? AND model_version <> ?
            ORDER BY account_id LIMIT ?\
            """
                .formatted(schema))) {
      customPlan(ps);
      ps.setString(1, afterId);
      ps.setLong(2, modelVersion);
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
          meta.add(new long[] {rs.getLong(2), rs.getInt(3)});
          bands.add(rs.getString(4));
        }
      }
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, byte[]> snapshots = new HashMap<>(ids.size() * 2);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT account_id, snapshot FROM %s.account_state WHERE account_id = ANY(?)"
                .formatted(schema))) {
      customPlan(ps);
      ps.setArray(1, c.createArrayOf("text", ids.toArray(String[]::new)));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          snapshots.put(rs.getString(1), rs.getBytes(2));
        }
      }
    }
    List<Input> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      out.add(
          new Input(
              ids.get(i),
              meta.get(i)[0],
              (int) meta.get(i)[1],
              bands.get(i),
              snapshots.get(ids.get(i))));
    }
    return out;
  }

  /** Never a server-side prepared statement, so never a generic plan. */
  private static void customPlan(PreparedStatement ps) throws SQLException {
    ps.unwrap(PGStatement.class).setPrepareThreshold(0);
  }

  /** The columns of score rows as parallel arrays, for set-based statements over {@code unnest}. */
  private record Columns(
      String[] ids,
      Long[] revisions,
      Integer[] scores,
      String[] bands,
      String[] motions,
      Integer[] masks,
      Long[] versions,
      Timestamp[] asOf,
      Timestamp[] computedAt,
      Double[][] fractions,
      byte[][] payloads) {

    static Columns of(List<ScoreDao.ScoreRow> rows) {
      int n = rows.size();
      Columns c =
          new Columns(
              new String[n],
              new Long[n],
              new Integer[n],
              new String[n],
              new String[n],
              new Integer[n],
              new Long[n],
              new Timestamp[n],
              new Timestamp[n],
              new Double[5][n],
              new byte[n][]);
      for (int i = 0; i < n; i++) {
        ScoreDao.ScoreRow r = rows.get(i);
        c.ids[i] = r.accountId();
        c.revisions[i] = r.revision();
        c.scores[i] = r.score();
        c.bands[i] = r.band();
        c.motions[i] = r.motion();
        c.masks[i] = r.typesMask();
        c.versions[i] = r.modelVersion();
        c.asOf[i] = Timestamp.from(r.asOf().toInstant());
        c.computedAt[i] = Timestamp.from(r.computedAt().toInstant());
        c.fractions[0][i] = r.fCapacity();
        c.fractions[1][i] = r.fFeature();
        c.fractions[2][i] = r.fEngagement();
        c.fractions[3][i] = r.fGrowth();
        c.fractions[4][i] = r.fValue();
        c.payloads[i] = r.scorePb();
      }
      return c;
    }

    /**
     * Binds the five category fractions and then the encoded scores, from parameter {@code p} on.
     */
    void bindFractionsAndPayloads(Connection c, PreparedStatement ps, int p) throws SQLException {
      for (Double[] col : fractions) {
        ps.setArray(p++, c.createArrayOf("float8", col));
      }
      ps.setArray(p, c.createArrayOf("bytea", payloads));
    }
  }

  /**
   * Replaces current rows whose revision is still {@code expectedRevisions[i]} (a row the change
   * consumer rewrote meanwhile is newer and stays) and returns the account ids actually written.
   */
  public Set<String> writeCurrent(Handle h, List<ScoreDao.ScoreRow> rows, long[] expectedRevisions)
      throws SQLException {
    Connection c = h.getConnection();
    Columns cols = Columns.of(rows);
    Long[] expected = new Long[rows.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = expectedRevisions[i];
    }
    String sql =
        """
        UPDATE %s.score_current AS c SET revision = u.revision, score = u.score, band = u.band,
          motion = u.motion, types_mask = u.types_mask, model_version = u.model_version, as_of = u.as_of,
          computed_at = u.computed_at, f_capacity = u.fc, f_feature = u.ff, f_engagement = u.fe,
          f_growth = u.fg, f_value = u.fv, score_pb = u.pb
        FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::text[], ?::text[], ?::int[],
                    ?::bigint[], ?::timestamptz[], ?::timestamptz[], ?::float8[], ?::float8[], ?::float8[],
                    ?::float8[], ?::float8[], ?::bytea[])
          AS u(account_id, revision, expected, score, band, motion, types_mask, model_version, as_of,
               computed_at, fc, ff, fe, fg, fv, pb)
        WHERE c.account_id = u.account_id AND c.revision = u.expected
        RETURNING c.account_id\
        """
            .formatted(schema);
    Set<String> written = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int p = 1;
      ps.setArray(p++, c.createArrayOf("text", cols.ids()));
      ps.setArray(p++, c.createArrayOf("int8", cols.revisions()));
      ps.setArray(p++, c.createArrayOf("int8", expected));
      ps.setArray(p++, c.createArrayOf("int4", cols.scores()));
      ps.setArray(p++, c.createArrayOf("text", cols.bands()));
      ps.setArray(p++, c.createArrayOf("text", cols.motions()));
      ps.setArray(p++, c.createArrayOf("int4", cols.masks()));
      ps.setArray(p++, c.createArrayOf("int8", cols.versions()));
      ps.setArray(p++, c.createArrayOf("timestamptz", cols.asOf()));
      ps.setArray(p++, c.createArrayOf("timestamptz", cols.computedAt()));
      cols.bindFractionsAndPayloads(c, ps, p);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          written.add(rs.getString(1));
        }
      }
    }
    return written;
  }

  /** Appends history rows for {@code rows}, in one statement. */
  public void insertHistory(Handle h, List<ScoreDao.ScoreRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    Connection c = h.getConnection();
    Columns cols = Columns.of(rows);
    String sql =
        """
        INSERT INTO %s.score_history (account_id, score, band, motion, model_version, as_of, computed_at,
          f_capacity, f_feature, f_engagement, f_growth, f_value, score_pb)
        SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::bigint[], ?::timestamptz[],
          ?::timestamptz[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::bytea[])\
        """
            .formatted(schema);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int p = 1;
      ps.setArray(p++, c.createArrayOf("text", cols.ids()));
      ps.setArray(p++, c.createArrayOf("int4", cols.scores()));
      ps.setArray(p++, c.createArrayOf("text", cols.bands()));
      ps.setArray(p++, c.createArrayOf("text", cols.motions()));
      ps.setArray(p++, c.createArrayOf("int8", cols.versions()));
      ps.setArray(p++, c.createArrayOf("timestamptz", cols.asOf()));
      ps.setArray(p++, c.createArrayOf("timestamptz", cols.computedAt()));
      cols.bindFractionsAndPayloads(c, ps, p);
      ps.executeUpdate();
    }
  }
}
