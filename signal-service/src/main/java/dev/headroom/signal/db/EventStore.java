package dev.headroom.signal.db;

import dev.headroom.signal.domain.UsageFact;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * The ingest write path: one transaction per batch and two round trips in the common case (one
 * statement, then the commit), whatever the batch size.
 *
 * <p>The batch travels as column arrays into one statement whose data-modifying CTEs run in this
 * order (the main query reads the claim CTE to the end before PostgreSQL runs the others):
 *
 * <ol>
 *   <li>{@code usage_fact} (the engine's typed facts, keyed by event id, see the V5 migration):
 *       inserting the facts claims their ids, in id order (see {@link Claiming}); a concurrent
 *       batch with the same id waits for the first to commit, so the first accepted wins, and a
 *       batch that rolls back releases its ids (a rejected event never consumes its id).
 *   <li>only the claimed rows go on to {@code event_raw} (the day partitions, when inside
 *       retention) and {@code account_seen} (only for ids this process has not seen yet).
 * </ol>
 *
 * Ids that were already taken are then looked up once, by {@code = ANY(array)}, to answer DUPLICATE
 * (same content hash) or ALREADY_EXISTS. Last, the rollup increments of the claimed events, summed
 * here per account, UTC day, metric and key, are appended as one row of parallel arrays to {@code
 * daily_rollup_delta_batch} (V3 migration): no shared row is locked, and {@link RollupCompactor}
 * folds them into {@code daily_rollup} about once a second. The increments are summed in Java
 * rather than in the statement because PostgreSQL's hash aggregate over text keys and numerics is a
 * sizeable share of the statement's server time, and the database is the part that does not scale
 * out with the service's replicas.
 */
public final class EventStore {

  /** What happened to one candidate inside the transaction. */
  public enum Claim {
    ACCEPTED,
    DUPLICATE,
    CONFLICT
  }

  /**
   * The rollup metric that sums METER quantities (the other metrics count events of their kind).
   */
  private static final String METER_QUANTITY = "METER_QUANTITY";

  private static final String APPEND_ROLLUP_SQL =
      """
      INSERT INTO daily_rollup_delta_batch (account_ids, days, metrics, keys, vals)
      VALUES (?::text[], ?::date[], ?::text[], ?::text[], ?::numeric[])\
      """;

  /**
   * How the batch claims its ids in {@code usage_fact}. {@code ON CONFLICT DO NOTHING} is safe
   * against any concurrent batch, but it takes a speculative-insertion lock and writes a
   * confirmation record for every row, which makes a claim about a third slower than a plain insert
   * of the ids not found. So a batch first claims optimistically, and only when another transaction
   * committed one of its ids in between (a unique violation, which aborts the whole transaction) is
   * it stored again, waiting on the other's ids.
   */
  public enum Claiming {
    /**
     * Plain insert of the ids not already taken; a race with a concurrent batch throws {@link
     * ClaimRace}.
     */
    OPTIMISTIC(
        """
        INSERT INTO usage_fact (%s)
        SELECT %s FROM s
        WHERE NOT EXISTS (SELECT 1 FROM usage_fact u WHERE u.event_id = s.event_id)
        ORDER BY event_id
        RETURNING event_id\
        """
            .formatted(FACT_COLUMNS, FACT_COLUMNS)),
    /**
     * Waits for a concurrent batch holding the same id: the first to commit wins, a rollback frees
     * the id.
     */
    WAITING(
        """
        INSERT INTO usage_fact (%s)
        SELECT %s FROM s ORDER BY event_id
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id\
        """
            .formatted(FACT_COLUMNS, FACT_COLUMNS));

    private final String storeSql;
    private final String storeAndSeeSql;

    Claiming(String claim) {
      String claimAndWrite = CLAIM_AND_WRITE.replace("$CLAIM", claim);
      this.storeSql = claimAndWrite + "\nSELECT event_id FROM d";
      this.storeAndSeeSql = claimAndWrite + SEE_AND_SELECT;
    }
  }

  /**
   * Another transaction committed one of the batch's ids after it looked: store again, {@link
   * Claiming#WAITING}.
   */
  public static final class ClaimRace extends RuntimeException {
    ClaimRace(SQLException cause) {
      super("a concurrent batch claimed one of the event ids first", cause);
    }
  }

  private static final String FACT_COLUMNS =
      "account_id, occurred_at, event_id, user_id, kind, role, team, key, quantity, content_hash";

  /** The claim ($CLAIM, one of {@link Claiming}) and the writes of the claimed rows. */
  private static final String CLAIM_AND_WRITE =
      """
      WITH s AS (
        SELECT event_id, content_hash, account_id, user_id,
               timestamptz 'epoch' + occurred_us * interval '1 microsecond' AS occurred_at,
               kind, role, team, key, quantity, payload
        FROM unnest(?::text[], ?::bytea[], ?::text[], ?::text[], ?::int8[], ?::text[],
                    ?::text[], ?::text[], ?::text[], ?::numeric[], ?::text[])
          AS t(event_id, content_hash, account_id, user_id, occurred_us, kind, role, team, key, quantity, payload)
      ),
      d AS (
      $CLAIM
      ),
      a AS (SELECT s.* FROM s JOIN d USING (event_id)),
      r AS (
        INSERT INTO event_raw (event_id, account_id, user_id, occurred_at, kind, payload, received_at)
        SELECT event_id, account_id, user_id, occurred_at, kind, payload::jsonb, ?::timestamptz FROM a
        WHERE occurred_at >= ?::timestamptz
      )\
      """;

  /**
   * The end of the statement for a batch with accounts this process has not seen yet: their {@code
   * account_seen} rows too. Most batches only have known accounts and leave this part out:
   * filtering the claimed rows against an empty array is not free, and it runs for every row.
   */
  private static final String SEE_AND_SELECT =
      """
      ,
      n AS (
        INSERT INTO account_seen (account_id)
        SELECT DISTINCT account_id FROM a WHERE account_id = ANY(?::text[]) ORDER BY 1
        ON CONFLICT DO NOTHING
      )
      SELECT event_id FROM d\
      """;

  /**
   * Account ids known to have their {@code account_seen} row (rows are never deleted), so a batch
   * only inserts ids it has not seen. Bounded: when full it is simply cleared and refills (an
   * unknown id costs one {@code ON CONFLICT DO NOTHING} probe). One per service instance (per
   * database).
   */
  public static final class KnownAccounts {
    private static final int MAX = 1_000_000;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    boolean contains(String id) {
      return ids.contains(id);
    }

    /** Called after a commit: these accounts certainly have their {@code account_seen} row now. */
    public void committed(Iterable<String> accountIds) {
      if (ids.size() > MAX) {
        ids.clear();
      }
      for (String id : accountIds) {
        ids.add(id);
      }
    }
  }

  private EventStore() {}

  /**
   * What the write path needs of one validated event: its typed fact, its canonical payload JSON
   * (stored raw for replays) and the hash of its identity-relevant content (for idempotency).
   */
  public interface StorableEvent {
    UsageFact fact();

    String payloadJson();

    byte[] contentHash();
  }

  /**
   * Stores {@code events} (validated, unique ids within the list) in the caller's open transaction.
   *
   * @param rawHorizon events occurring before this date are not kept raw (retention would drop them
   *     at once)
   * @return the claim per event, by event id
   * @throws ClaimRace when {@link Claiming#OPTIMISTIC} lost a race for an id (the transaction is
   *     aborted)
   */
  public static Map<String, Claim> store(
      Handle h,
      List<? extends StorableEvent> events,
      Instant receivedAt,
      LocalDate rawHorizon,
      KnownAccounts known,
      Claiming claiming) {
    try {
      return store(h.getConnection(), events, receivedAt, rawHorizon, known, claiming);
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw new org.jdbi.v3.core.ConnectionException(e);
      }
      if (claiming == Claiming.OPTIMISTIC && "23505".equals(e.getSQLState())) {
        throw new ClaimRace(e); // unique_violation: only usage_fact's key can be violated here
      }
      throw new IllegalStateException(
          "storing the batch failed (SQLState " + e.getSQLState() + ")", e);
    }
  }

  static Map<String, Claim> store(
      Connection c,
      List<? extends StorableEvent> events,
      Instant receivedAt,
      LocalDate rawHorizon,
      KnownAccounts known,
      Claiming claiming)
      throws SQLException {
    Map<String, Claim> claims = new HashMap<>();
    if (events.isEmpty()) {
      return claims;
    }
    int n = events.size();
    String[] ids = new String[n];
    byte[][] hashes = new byte[n][];
    String[] accounts = new String[n];
    String[] users = new String[n];
    Long[] micros = new Long[n];
    String[] kinds = new String[n];
    String[] roles = new String[n];
    String[] teams = new String[n];
    String[] keys = new String[n];
    String[] quantities = new String[n];
    String[] payloads = new String[n];
    Map<String, StorableEvent> byId = new HashMap<>(n * 2);
    TreeSet<String> unknownAccounts = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      StorableEvent e = events.get(i);
      UsageFact f = e.fact();
      ids[i] = f.eventId();
      hashes[i] = e.contentHash();
      accounts[i] = f.accountId();
      users[i] = f.userId();
      // Epoch microseconds (facts are already rounded to them): a binary int8 array costs neither
      // Java's
      // instant formatting nor PostgreSQL's timestamp parsing, 1,000 of each per batch.
      micros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, f.occurredAt());
      kinds[i] = f.kind().name();
      roles[i] = f.role() == null ? null : f.role().name();
      teams[i] = f.team();
      keys[i] = f.key();
      quantities[i] = f.quantity() == null ? null : f.quantity().toPlainString();
      payloads[i] = e.payloadJson();
      byId.put(f.eventId(), e);
      if (!known.contains(f.accountId())) {
        unknownAccounts.add(f.accountId());
      }
    }
    // Acknowledged means durable, whatever the server's default: some servers (embedded PostgreSQL
    // defaults,
    // tuned dev boxes) run with synchronous_commit = off, which could lose acknowledged batches in
    // a crash.
    try (java.sql.Statement st = c.createStatement()) {
      st.execute("SET LOCAL synchronous_commit = on");
    }
    List<String> inserted = new ArrayList<>(n);
    boolean sees = !unknownAccounts.isEmpty();
    try (PreparedStatement ps =
        c.prepareStatement(sees ? claiming.storeAndSeeSql : claiming.storeSql)) {
      int p = 1;
      ps.setArray(p++, c.createArrayOf("text", ids));
      ps.setArray(p++, c.createArrayOf("bytea", hashes));
      ps.setArray(p++, c.createArrayOf("text", accounts));
      ps.setArray(p++, c.createArrayOf("text", users));
      ps.setArray(p++, c.createArrayOf("int8", micros));
      ps.setArray(p++, c.createArrayOf("text", kinds));
      ps.setArray(p++, c.createArrayOf("text", roles));
      ps.setArray(p++, c.createArrayOf("text", teams));
      ps.setArray(p++, c.createArrayOf("text", keys));
      ps.setArray(p++, c.createArrayOf("text", quantities));
      ps.setArray(p++, c.createArrayOf("text", payloads));
      ps.setString(p++, receivedAt.toString());
      ps.setString(p++, rawHorizon.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
      if (sees) {
        ps.setArray(p, c.createArrayOf("text", unknownAccounts.toArray(String[]::new)));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(rs.getString(1));
        }
      }
    }
    for (String id : inserted) {
      claims.put(id, Claim.ACCEPTED);
    }
    if (inserted.size() < n) {
      List<String> taken = new ArrayList<>();
      for (String id : ids) {
        if (!claims.containsKey(id)) {
          taken.add(id);
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT event_id, content_hash FROM usage_fact WHERE event_id = ANY(?::text[])")) {
        Array arr = c.createArrayOf("text", taken.toArray(String[]::new));
        ps.setArray(1, arr);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            claims.put(
                id,
                Arrays.equals(byId.get(id).contentHash(), rs.getBytes(2))
                    ? Claim.DUPLICATE
                    : Claim.CONFLICT);
          }
        }
      }
    }
    appendRollupIncrements(c, events, claims);
    return claims;
  }

  /**
   * The claimed events' rollup increments, summed per (account, UTC day, metric, key), as one batch
   * row.
   */
  private static void appendRollupIncrements(
      Connection c, List<? extends StorableEvent> events, Map<String, Claim> claims)
      throws SQLException {
    Map<RollupKey, BigDecimal> sums = new LinkedHashMap<>();
    for (StorableEvent e : events) {
      UsageFact f = e.fact();
      if (claims.get(f.eventId()) != Claim.ACCEPTED) {
        continue;
      }
      LocalDate day = LocalDate.ofInstant(f.occurredAt(), ZoneOffset.UTC);
      String key = f.key() == null ? "" : f.key();
      sums.merge(
          new RollupKey(f.accountId(), day, f.kind().name(), key), BigDecimal.ONE, BigDecimal::add);
      if (f.quantity() != null) {
        sums.merge(
            new RollupKey(f.accountId(), day, METER_QUANTITY, key), f.quantity(), BigDecimal::add);
      }
    }
    if (sums.isEmpty()) {
      return;
    }
    int n = sums.size();
    String[] accounts = new String[n];
    String[] days = new String[n];
    String[] metrics = new String[n];
    String[] keys = new String[n];
    String[] values = new String[n];
    int i = 0;
    for (Map.Entry<RollupKey, BigDecimal> sum : sums.entrySet()) {
      RollupKey k = sum.getKey();
      accounts[i] = k.accountId();
      days[i] = k.day().toString();
      metrics[i] = k.metric();
      keys[i] = k.key();
      values[i] = sum.getValue().toPlainString();
      i++;
    }
    try (PreparedStatement ps = c.prepareStatement(APPEND_ROLLUP_SQL)) {
      ps.setArray(1, c.createArrayOf("text", accounts));
      ps.setArray(2, c.createArrayOf("text", days));
      ps.setArray(3, c.createArrayOf("text", metrics));
      ps.setArray(4, c.createArrayOf("text", keys));
      ps.setArray(5, c.createArrayOf("text", values));
      ps.executeUpdate();
    }
  }

  private record RollupKey(String accountId, LocalDate day, String metric, String key) {}
}
