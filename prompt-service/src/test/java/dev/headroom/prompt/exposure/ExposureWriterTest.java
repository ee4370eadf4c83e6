package dev.headroom.prompt.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.db.Database;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.decision.Exposure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The write-behind exposure log: bounded, batched, flushed on close, retried through outages. */
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

  static long stored() {
    return db.jdbi()
        .withHandle(h -> h.createQuery("SELECT count(*) FROM exposure").mapTo(Long.class).one());
  }

  @Test
  void closeWritesEverythingQueuedAndThenRefusesMore() {
    ExposureWriter writer =
        new ExposureWriter(
            db.jdbi(),
            new ExposureWriter.Settings(10_000, 100, Duration.ofSeconds(5)),
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
            new ExposureWriter.Settings(3, 100, Duration.ofMillis(50)),
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
    ExposureWriter writer =
        new ExposureWriter(
            db.jdbi(),
            new ExposureWriter.Settings(1_000, 100, Duration.ofMillis(50)),
            new SimpleMeterRegistry());
    writer.start();
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
  void awaitWrittenReturnsOnceTheOfferedExposuresAreStored() throws Exception {
    ExposureWriter writer =
        new ExposureWriter(
            db.jdbi(),
            new ExposureWriter.Settings(1_000, 10, Duration.ofMillis(50)),
            new SimpleMeterRegistry());
    writer.start();
    for (int i = 0; i < 95; i++) {
      writer.offer(exposure(i));
    }
    writer.awaitWritten();
    assertEquals(95, stored());
    Await.until("queue empty", () -> writer.queued() == 0);
    writer.close();
  }
}
