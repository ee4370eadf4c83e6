package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.signal.app.SignalConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw events over time: with a 3-day retention, the day partitions of raw events that fall out of
 * retention are dropped by the service's maintenance as days pass, while the typed facts (what
 * signals and replays of rule changes read) stay; an event older than the retention is still
 * accepted and counted, only not kept raw.
 */
class RawRetentionTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final Instant DAY_0 = Instant.parse("2026-03-10T12:00:00Z");

  @Test
  void partitionsOutOfRetentionAreDroppedAsDaysPassAndFactsStay() {
    SignalConfig config =
        SignalTestSupport.config(
            PG.database(), Map.of("HEADROOM_SIGNAL_EVENTS_RAW_RETENTION", "3d"));
    SignalTestSupport.MovableClock clock = new SignalTestSupport.MovableClock(DAY_0);
    try (SignalTestSupport svc = SignalTestSupport.start(config, clock)) {
      svc.seedCatalog();
      svc.putAccount("rr-1", "pro", 10, DAY_0.minus(30, ChronoUnit.DAYS));
      // The service lives through six days; each day brings an event of that day.
      for (int d = 0; d < 6; d++) {
        Instant now = DAY_0.plus(d, ChronoUnit.DAYS);
        clock.set(now);
        assertEquals(
            1,
            svc.stub
                .ingestEvents(
                    IngestEventsRequest.newBuilder().addEvents(active("rr-day-" + d, now)).build())
                .getAcceptedCount());
      }
      Jdbi jdbi = svc.app.database().jdbi();
      assertEquals(
          6,
          number(jdbi, "SELECT count(*) FROM event_raw"),
          "each day was inside retention when written");
    }
    // The hourly maintenance, which also runs when an instance starts, applies retention on the
    // sixth day.
    try (SignalTestSupport svc = SignalTestSupport.start(config, clock)) {
      Jdbi jdbi = svc.app.database().jdbi();
      // Kept: the days from DAY_0 + 2 (5 days - 3 days) on.
      Await.until(
          "retention dropped the partitions of days 0 and 1",
          () -> number(jdbi, "SELECT count(*) FROM event_raw") == 4);
      assertEquals(
          List.of(),
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT event_id FROM event_raw"
                              + " WHERE event_id IN ('rr-day-0', 'rr-day-1')")
                      .mapTo(String.class)
                      .list()));
      assertEquals(
          0,
          number(
              jdbi,
              "SELECT count(*) FROM pg_tables WHERE schemaname = 'signal'"
                  + " AND tablename IN ('event_raw_p20260310', 'event_raw_p20260311')"),
          "the partitions themselves are gone");
      assertEquals(
          6,
          number(jdbi, "SELECT count(*) FROM usage_fact WHERE account_id = 'rr-1'"),
          "the facts of every day stay");

      // A late event from before the horizon: accepted and counted, not kept raw.
      Instant old = DAY_0.minus(1, ChronoUnit.DAYS);
      assertEquals(
          1,
          svc.stub
              .ingestEvents(
                  IngestEventsRequest.newBuilder().addEvents(active("rr-late", old)).build())
              .getAcceptedCount());
      assertEquals(7, number(jdbi, "SELECT count(*) FROM usage_fact WHERE account_id = 'rr-1'"));
      assertEquals(0, number(jdbi, "SELECT count(*) FROM event_raw WHERE event_id = 'rr-late'"));
      assertTrue(
          number(
                  jdbi,
                  "SELECT count(*) FROM pg_tables WHERE schemaname = 'signal'"
                      + " AND tablename = 'event_raw_p20260309'")
              == 0,
          "no partition is created for a day out of retention");
    }
  }

  private static UsageEvent active(String id, Instant at) {
    return SignalTestSupport.event(id, "rr-1", "u1", at, "USER_ACTIVE", Map.of()).build();
  }

  private static long number(Jdbi jdbi, String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
