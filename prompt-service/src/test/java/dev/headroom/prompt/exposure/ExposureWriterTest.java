package dev.headroom.prompt.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.db.Database;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.validation.Limits;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.db.ExposureDao;
import dev.headroom.prompt.decision.Exposure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write-behind exposure log: bounded, batched, flushed on close, retried through outages; its
 * storage keeps every field, and a batch written again stores nothing twice.
 */
class ExposureWriterTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static Database db;

  @BeforeAll
  static void migrate() {
    db = new Database("prompt", PG.database().settings("prompt"));
    db.migrate();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void empty() {
    db.jdbi().useHandle(h -> h.execute("DELETE FROM exposure"));
  }

  static Exposure exposure(int i) {
    return new Exposure(
        "d-" + i,
        Instant.parse("2026-11-02T10:00:00Z").plusSeconds(i),
        "acme",
        "u" + i,
        "c1",
        1,
        Optional.of("x1"),
        Optional.of("acme"),
        "control",
        false,
        Surface.FEATURE_USE,
        "sso");
  }

  /** A running writer that commits as soon as something is queued. */
  static ExposureWriter started(int queueCapacity, int batchSize) {
    return new ExposureWriter(
            db.jdbi(),
            new ExposureWriter.Settings(
                queueCapacity, batchSize, Duration.ofMillis(50), Duration.ZERO),
            new SimpleMeterRegistry())
        .start();
  }

  static long stored() {
    return db.jdbi()
        .withHandle(h -> h.createQuery("SELECT count(*) FROM exposure").mapTo(Long.class).one());
  }

  /** With no batch delay, and with one far longer than the test: close() never waits for it. */
  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT1H"})
  void closeWritesEverythingQueuedAndThenRefusesMore(String maxBatchDelay) {
    ExposureWriter writer =
        new ExposureWriter(
            db.jdbi(),
            new ExposureWriter.Settings(
                10_000, 100, Duration.ofSeconds(5), Duration.parse(maxBatchDelay)),
            new SimpleMeterRegistry());
    writer.start();
    for (int i = 0; i < 2_500; i++) {
      assertTrue(writer.offer(exposure(i)));
    }
    writer.close();
    assertEquals(2_500, stored());
    assertFalse(writer.offer(exposure(9_999)), "a closed writer takes nothing");
  }

  @Test
  void aFullQueueRefuses() {
    ExposureWriter writer =
        new ExposureWriter(
            db.jdbi(),
            new ExposureWriter.Settings(3, 100, Duration.ofMillis(50), Duration.ZERO),
            new SimpleMeterRegistry());
    // Not started: nothing drains the queue.
    assertTrue(writer.offer(exposure(1)));
    assertTrue(writer.offer(exposure(2)));
    assertTrue(writer.offer(exposure(3)));
    assertFalse(writer.offer(exposure(4)));
    assertEquals(3, writer.queued());
    writer.start();
    writer.close();
    assertEquals(3, stored());
  }

  @Test
  void exposuresQueuedDuringADatabaseOutageAreWrittenWhenItIsBack() throws Exception {
    ExposureWriter writer = started(1_000, 100);
    PG.database().makeUnreachable();
    try {
      for (int i = 0; i < 10; i++) {
        assertTrue(writer.offer(exposure(i)));
      }
    } finally {
      PG.database().makeReachable();
    }
    writer.awaitWritten();
    assertEquals(10, stored());
    writer.close();
  }

  @Test
  void aConnectionLostBetweenBatchesIsReplacedAndNothingIsLost() throws Exception {
    // An idle writer gives its handle back after the flush interval: 3 s keeps it across the test's
    // two batches (close() then waits up to that long for the writer to notice).
    ExposureWriter writer =
        new ExposureWriter(
                db.jdbi(),
                new ExposureWriter.Settings(1_000, 100, Duration.ofSeconds(3), Duration.ZERO),
                new SimpleMeterRegistry())
            .start();
    assertTrue(writer.offer(exposure(0)));
    writer.awaitWritten();
    // Ends every connection to the database, the one the writer holds among them.
    PG.database().makeUnreachable();
    PG.database().makeReachable();
    for (int i = 1; i <= 10; i++) {
      assertTrue(writer.offer(exposure(i)));
    }
    assertTimeoutPreemptively(Duration.ofSeconds(60), writer::awaitWritten);
    assertEquals(11, stored());
    writer.close();
  }

  @Test
  void awaitWrittenReturnsOnceTheOfferedExposuresAreStored() throws Exception {
    ExposureWriter writer = started(1_000, 10);
    for (int i = 0; i < 95; i++) {
      writer.offer(exposure(i));
    }
    writer.awaitWritten();
    assertEquals(95, stored());
    Await.until("queue empty", () -> writer.queued() == 0);
    writer.close();
  }

  @Test
  void everyFieldIsStoredAsDecidedAndARedeliveredDecisionChangesNothing() throws Exception {
    ExposureWriter writer = started(1_000, 10);
    Exposure holdout =
        new Exposure(
            "d-holdout",
            Instant.parse("2026-11-02T10:00:00.123456500Z"),
            "acme",
            "u1",
            "c1",
            7,
            Optional.of("x1"),
            Optional.of("acme"),
            "",
            true,
            Surface.HOME,
            "");
    Exposure noExperiment =
        new Exposure(
            "d-plain",
            Instant.parse("2026-11-02T10:00:01.000000499Z"),
            "globex",
            "u2",
            "c2",
            3,
            Optional.empty(),
            Optional.empty(),
            "",
            false,
            Surface.FEATURE_USE,
            "sso");
    assertTrue(writer.offer(holdout));
    assertTrue(writer.offer(noExperiment));
    writer.awaitWritten();
    assertTrue(writer.offer(exposure(1)));
    assertTrue(writer.offer(withDecisionId(exposure(2), "d-plain")));
    writer.close();

    assertEquals(3, stored());
    // PostgreSQL keeps microseconds; the half microsecond rounds up, as the JDBC driver rounds.
    assertEquals(
        new ExposureDao.ExposureRow(
            "d-holdout",
            OffsetDateTime.parse("2026-11-02T10:00:00.123457Z"),
            "acme",
            "u1",
            "c1",
            7,
            "x1",
            "acme",
            "",
            true,
            "HOME",
            ""),
        row("d-holdout"));
    assertEquals(
        new ExposureDao.ExposureRow(
            "d-plain",
            OffsetDateTime.parse("2026-11-02T10:00:01Z"),
            "globex",
            "u2",
            "c2",
            3,
            null,
            null,
            "",
            false,
            "FEATURE_USE",
            "sso"),
        row("d-plain"),
        "the redelivered decision id kept the first exposure");
  }

  // The storage itself: the binary COPY, and the insert that skips stored rows.

  static final ExposureDao.ExposureRow IN_EXPERIMENT =
      new ExposureDao.ExposureRow(
          "d-1",
          OffsetDateTime.parse("2026-11-02T10:00:00.123456500Z"),
          "acme",
          "u1",
          "c1",
          7,
          "x1",
          "acme",
          "treatment",
          false,
          "FEATURE_USE",
          "sso");

  static final ExposureDao.ExposureRow HOLDOUT_NAMED_IN_UNICODE =
      new ExposureDao.ExposureRow(
          "d-2",
          OffsetDateTime.parse("1999-12-31T23:59:59.999999499Z"),
          "müller-gmbh",
          "jörg",
          "c2",
          Long.MAX_VALUE,
          "x2",
          "müller-gmbh/jörg",
          "",
          true,
          "HOME",
          "");

  static final ExposureDao.ExposureRow WITHOUT_EXPERIMENT =
      new ExposureDao.ExposureRow(
          "d-3",
          OffsetDateTime.parse("2026-11-02T12:00:01+02:00"),
          "globex",
          "u3",
          "c3",
          1,
          null,
          null,
          "",
          false,
          "BILLING",
          "seats");

  /** The row with another time: as read back, in UTC, with PostgreSQL's microseconds. */
  static ExposureDao.ExposureRow storedAt(ExposureDao.ExposureRow r, OffsetDateTime decidedAt) {
    return new ExposureDao.ExposureRow(
        r.decisionId(),
        decidedAt,
        r.accountId(),
        r.userId(),
        r.campaignId(),
        r.campaignVersion(),
        r.experimentId(),
        r.unitId(),
        r.variantKey(),
        r.holdout(),
        r.surface(),
        r.featureKey());
  }

  static final List<ExposureDao.ExposureRow> ALL_AS_STORED =
      List.of(
          storedAt(IN_EXPERIMENT, OffsetDateTime.parse("2026-11-02T10:00:00.123457Z")),
          storedAt(HOLDOUT_NAMED_IN_UNICODE, OffsetDateTime.parse("1999-12-31T23:59:59.999999Z")),
          storedAt(WITHOUT_EXPERIMENT, OffsetDateTime.parse("2026-11-02T10:00:01Z")));

  static List<ExposureDao.ExposureRow> storedRows() {
    return db
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT decision_id FROM exposure ORDER BY decision_id")
                    .mapTo(String.class)
                    .list())
        .stream()
        .map(ExposureWriterTest::row)
        .toList();
  }

  static final List<ExposureDao.ExposureRow> ALL =
      List.of(IN_EXPERIMENT, HOLDOUT_NAMED_IN_UNICODE, WITHOUT_EXPERIMENT);

  @Test
  void theCopyStoresEveryFieldAsGiven() throws SQLException {
    db.jdbi().useHandle(h -> ExposureDao.write(h, ALL));
    assertEquals(ALL_AS_STORED, storedRows());
  }

  @Test
  void theInsertThatSkipsStoredRowsStoresThemAlike() throws SQLException {
    db.jdbi().useHandle(h -> ExposureDao.insertSkippingStored(h, ALL));
    assertEquals(ALL_AS_STORED, storedRows());
  }

  @Test
  void aBatchWrittenAgainStoresItsNewRowsAndKeepsTheStoredOnes() throws SQLException {
    db.jdbi().useHandle(h -> ExposureDao.write(h, List.of(IN_EXPERIMENT, WITHOUT_EXPERIMENT)));
    ExposureDao.ExposureRow otherExposureWithAStoredId =
        new ExposureDao.ExposureRow(
            "d-1",
            OffsetDateTime.parse("2026-11-03T10:00:00Z"),
            "other",
            "u9",
            "c9",
            9,
            null,
            null,
            "",
            true,
            "HOME",
            "");
    db.jdbi()
        .useHandle(
            h ->
                ExposureDao.write(
                    h, List.of(otherExposureWithAStoredId, HOLDOUT_NAMED_IN_UNICODE)));
    db.jdbi().useHandle(h -> ExposureDao.write(h, ALL));
    assertEquals(ALL_AS_STORED, storedRows());
  }

  @Test
  void theCopyStoresIdentifiersOfTheLongestAllowedLength() throws SQLException {
    // Rows several times the size the encoder first reserves per row, one with its only non-ASCII
    // character last.
    List<ExposureDao.ExposureRow> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = "%03d".formatted(i);
      String longest = id + "a".repeat(Limits.MAX_IDENTIFIER_CHARS - 4) + (i % 2 == 0 ? "é" : "e");
      rows.add(
          new ExposureDao.ExposureRow(
              "d-long-" + id,
              OffsetDateTime.parse("2026-11-02T10:00:00Z"),
              longest,
              longest,
              longest,
              i,
              longest,
              longest + "/" + longest,
              longest,
              false,
              "FEATURE_USE",
              longest));
    }
    db.jdbi().useHandle(h -> ExposureDao.write(h, rows));
    assertEquals(rows, storedRows());
  }

  private static Exposure withDecisionId(Exposure e, String decisionId) {
    return new Exposure(
        decisionId,
        e.decidedAt(),
        e.accountId(),
        e.userId(),
        e.campaignId(),
        e.campaignVersion(),
        e.experimentId(),
        e.unitId(),
        e.variantKey(),
        e.holdout(),
        e.surface(),
        e.featureKey());
  }

  /** The stored row, its time in UTC. */
  private static ExposureDao.ExposureRow row(String decisionId) {
    return db.jdbi()
        .withExtension(ExposureDao.class, dao -> dao.get(decisionId))
        .map(r -> storedAt(r, r.decidedAt().withOffsetSameInstant(ZoneOffset.UTC)))
        .orElseThrow();
  }
}
