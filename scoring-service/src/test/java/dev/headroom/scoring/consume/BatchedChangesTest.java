package dev.headroom.scoring.consume;

import static dev.headroom.scoring.testing.Fixtures.signal;
import static dev.headroom.scoring.testing.Fixtures.snapshot;
import static dev.headroom.scoring.testing.Fixtures.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.app.ScoringConfig;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Changes applied in batches end exactly where applying them one by one ends: same scores, history,
 * WatchScores entries (in the same order), revenue points, fired signals and stored snapshots, also
 * across a restart in the middle of the stream that redelivers changes already applied.
 */
class BatchedChangesTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final int ACCOUNTS = 40;
  private static final int CHANGES_PER_ACCOUNT = 6;

  @Test
  void aBurstAppliedInBatchesEndsAsAppliedOneByOne() throws Exception {
    FakeSignalService signal = new FakeSignalService(Fixtures.catalog());
    FakeSignalService.Served served = signal.serve();
    String signalName = served.name();
    ScoringApp oneByOne = start(signalName, "scoring_one", 1);
    ScoringApp batched = start(signalName, "scoring_batched", 64);
    try {
      List<UsageSnapshot> burst = burst(new Random(7));
      int half = burst.size() / 2;
      for (UsageSnapshot s : burst.subList(0, half)) {
        signal.publish(s, ChangeKind.CHANGE_KIND_METRICS);
      }
      // Stopped while it is still applying the first half.
      Await.until("some batches applied", () -> batched.consumerPosition() >= 40);
      batched.close();
      long stopped = storedCursor("scoring_batched");
      // A consumer that resumes from further back gets changes it applied again.
      jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "UPDATE scoring_batched.consumer_cursor SET position = ? WHERE consumer = ?",
                      Math.max(0, stopped - 25),
                      SignalChangeConsumer.NAME));
      ScoringApp resumed = start(signalName, "scoring_batched", 64);
      try {
        for (UsageSnapshot s : burst.subList(half, burst.size())) {
          signal.publish(s, ChangeKind.CHANGE_KIND_METRICS);
        }
        long last = signal.lastCursor();
        Await.until("one by one caught up", () -> oneByOne.consumerPosition() >= last);
        Await.until("batched caught up", () -> resumed.consumerPosition() >= last);

        for (String query : STATE) {
          assertEquals(rows("scoring_one", query), rows("scoring_batched", query), query);
        }
        assertEquals(published("scoring_one"), published("scoring_batched"), "WatchScores entries");
      } finally {
        resumed.close();
      }
    } finally {
      oneByOne.close();
      served.close();
    }
  }

  /**
   * A signal occurrence is recorded as fired once, with the score it first fired with, however many
   * later changes still hold it active; a new occurrence of the same type (a new since, right after
   * the old one) is recorded with the score of its own first change.
   */
  @Test
  void anOccurrenceHeldActiveIsRecordedOnceAndANewOneAgain() throws Exception {
    FakeSignalService signal = new FakeSignalService(Fixtures.catalog());
    try (FakeSignalService.Served served = signal.serve();
        ScoringApp app = start(served.name(), "scoring_fired", 1)) {
      Instant start = Instant.parse("2026-03-01T00:00:00Z");
      Instant firstSince = start.plus(Duration.ofHours(1));
      Instant secondSince = start.plus(Duration.ofHours(4));
      // Usage moves between changes, so the later changes score differently from the first.
      int[] engagement = {20, 60, 95, 40, 80};
      Instant[] since = {firstSince, firstSince, firstSince, secondSince, secondSince};
      List<Integer> firstScores = new ArrayList<>();
      for (int n = 0; n < engagement.length; n++) {
        var s =
            snapshot("acct-fired", start.plus(Duration.ofHours(n)), 3, 5, engagement[n], 1, 1, 1);
        s.addSignals(
            signal(
                "acct-fired",
                SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH,
                ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                since[n]));
        signal.publish(s.build(), ChangeKind.CHANGE_KIND_METRICS);
        long cursor = signal.lastCursor();
        Await.until("change applied", () -> app.consumerPosition() >= cursor);
        if (n == 0 || n == 3) {
          firstScores.add(currentScore("scoring_fired"));
        }
      }
      assertEquals(
          List.of(
              "SEAT_UTILIZATION_HIGH " + firstSince.toEpochMilli() + " " + firstScores.get(0),
              "SEAT_UTILIZATION_HIGH " + secondSince.toEpochMilli() + " " + firstScores.get(1)),
          jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT signal_type, since, score FROM scoring_fired.fired_signal"
                                  + " ORDER BY since")
                          .map(
                              (rs, ctx) ->
                                  rs.getString("signal_type")
                                      + " "
                                      + rs.getTimestamp("since").getTime()
                                      + " "
                                      + rs.getInt("score"))
                          .list()));
    }
  }

  private static int currentScore(String schema) {
    return jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT score FROM %s.score_current".formatted(schema))
                    .mapTo(Integer.class)
                    .one());
  }

  /**
   * Several changes per account, interleaved: usage that moves the score up and down (so some
   * changes are material and some not), an ARR that changes back and forth (every intermediate
   * value is a revenue point) and a signal that holds for a while.
   */
  private static List<UsageSnapshot> burst(Random random) {
    List<UsageSnapshot> changes = new ArrayList<>();
    int[] made = new int[ACCOUNTS];
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    while (changes.size() < ACCOUNTS * CHANGES_PER_ACCOUNT) {
      int a = random.nextInt(ACCOUNTS);
      if (made[a] == CHANGES_PER_ACCOUNT) {
        continue;
      }
      int n = made[a]++;
      String id = "acct-" + a;
      Instant asOf = start.plus(Duration.ofHours(n));
      var s =
          snapshot(
              id,
              asOf,
              1 + random.nextInt(5),
              5,
              random.nextInt(101),
              random.nextInt(3),
              random.nextInt(4),
              random.nextInt(3));
      s.getAccountBuilder().setArr(usd(100_000L * (1 + n % 2) + 1_000L * (a % 3)));
      if (n >= 2 && n <= 3) {
        s.addSignals(
            signal(
                id,
                SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH,
                ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                start.plus(Duration.ofHours(2))));
      }
      changes.add(s.build());
    }
    return changes;
  }

  /** What a reader of each table sees, minus the instants of computation. */
  private static final List<String> STATE =
      List.of(
          "SELECT account_id, upstream_cursor, as_of, currency, snapshot FROM %s.account_state"
              + " ORDER BY account_id",
          "SELECT account_id, revision, score_pb FROM %s.score_current ORDER BY account_id",
          "SELECT account_id, score_pb FROM %s.score_history ORDER BY account_id, id",
          "SELECT account_id, upstream_cursor, effective_at, currency, arr_minor, product_keys,"
              + " plan_keys FROM %s.account_revenue ORDER BY account_id, upstream_cursor",
          "SELECT account_id, signal_type, since, score, band, motion FROM %s.fired_signal"
              + " ORDER BY account_id, signal_type, since");

  private static List<String> rows(String schema, String query) {
    return jdbi()
        .withHandle(
            h ->
                h.createQuery(query.formatted(schema))
                    .mapToMap()
                    .map(BatchedChangesTest::describe)
                    .list());
  }

  private static String describe(Map<String, Object> row) {
    StringBuilder out = new StringBuilder();
    row.forEach(
        (column, value) ->
            out.append(column)
                .append('=')
                .append(
                    column.equals("score_pb") ? withoutComputedAt((byte[]) value) : value(value))
                .append(' '));
    return out.toString();
  }

  private static String value(Object value) {
    if (value instanceof byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Array array) {
      try {
        return Arrays.toString((Object[]) array.getArray());
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.valueOf(value);
  }

  private static String withoutComputedAt(byte[] encodedScore) {
    return withoutComputedAt(
        bytes -> WatchScoresResponse.newBuilder().setScore(Score.parseFrom(bytes)).build(),
        encodedScore);
  }

  private interface Parser {
    WatchScoresResponse parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  /** The message with its score's computation instant cleared. */
  private static String withoutComputedAt(Parser parser, byte[] encoded) {
    try {
      WatchScoresResponse m = parser.parse(encoded);
      return m.toBuilder().setScore(m.getScore().toBuilder().clearComputedAt()).build().toString();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The WatchScores stream in order: key, score (minus when it was computed), previous score. */
  private static List<String> published(String schema) {
    return jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT seq, entry_key, payload FROM %s.outbox WHERE stream = 'scores' ORDER BY seq"
                            .formatted(schema))
                    .map(
                        (rs, ctx) ->
                            rs.getLong("seq")
                                + " "
                                + rs.getString("entry_key")
                                + " "
                                + withoutComputedAt(
                                    WatchScoresResponse::parseFrom, rs.getBytes("payload")))
                    .list());
  }

  private static long storedCursor(String schema) {
    return jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT position FROM %s.consumer_cursor WHERE consumer = :c"
                            .formatted(schema))
                    .bind("c", SignalChangeConsumer.NAME)
                    .mapTo(Long.class)
                    .one());
  }

  private static ScoringApp start(String signalName, String schema, int batchSize) {
    Map<String, String> env = Fixtures.env(PG.database(), "in-process:" + signalName);
    env.put("HEADROOM_SCORING_DATABASE_SCHEMA", schema);
    env.put("HEADROOM_SCORING_CONSUMER_BATCH_SIZE", Integer.toString(batchSize));
    ScoringConfig config =
        ScoringConfig.from(
            KitConfig.load("scoring", "scoring.yaml", Fixtures.class.getClassLoader(), env));
    return ScoringApp.start(config, Clock.systemUTC(), null, false);
  }

  private static Jdbi jdbi() {
    return Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
  }
}
