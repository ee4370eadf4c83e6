package dev.headroom.signal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Evaluation runs on event time: replaying 90 days of history at full speed must give the same
 * signals as living through those 90 days one day at a time, with the scheduler's re-evaluation in
 * between.
 */
class ReplayEquivalenceTest {
  @RegisterExtension static final PostgresExtension LIVED = new PostgresExtension();

  private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
  private static final int DAYS = 90;

  @Test
  void replayingNinetyDaysAtFullSpeedGivesTheSignalsOfLivingThroughThem() throws Exception {
    List<List<UsageEvent>> days = history(new Random(42));
    Instant end = START.plus(Duration.ofDays(DAYS));

    SignalTestSupport.MovableClock clock = new SignalTestSupport.MovableClock(START);
    List<Signal> lived;
    UsageSnapshot livedSnapshot;
    try (SignalTestSupport live = SignalTestSupport.start(LIVED.database(), clock)) {
      live.seedCatalog();
      live.putAccount("acme", "pro", 12, START.minus(Duration.ofDays(120)));
      for (int d = 0; d < DAYS; d++) {
        clock.set(START.plus(Duration.ofDays(d + 1)).minusSeconds(1));
        ingest(live, days.get(d));
        live.stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId("acme").build());
      }
      clock.set(end);
      live.stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId("acme").build());
      lived = current(live);
      livedSnapshot = snapshot(live, end);
    }

    List<Signal> replayed;
    UsageSnapshot replayedSnapshot;
    TestDatabase replayedDatabase = PostgresServer.shared().createDatabase();
    try (SignalTestSupport replay =
        SignalTestSupport.start(replayedDatabase, new SignalTestSupport.MovableClock(end))) {
      replay.seedCatalog();
      replay.putAccount("acme", "pro", 12, START.minus(Duration.ofDays(120)));
      // All 90 days at once, newest day first: arrival order must not matter either.
      for (int d = DAYS - 1; d >= 0; d--) {
        ingest(replay, days.get(d));
      }
      replay.stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId("acme").build());
      replayed = current(replay);
      replayedSnapshot = snapshot(replay, end);
    } finally {
      replayedDatabase.drop();
    }

    assertFalse(
        lived.isEmpty(), "the generated history must fire signals, or this test proves nothing");
    assertEquals(summary(lived), summary(replayed));
    assertEquals(
        livedSnapshot.toBuilder().clearSignals().build(),
        replayedSnapshot.toBuilder().clearSignals().build());
  }

  /**
   * A team of 12 seats that grows to 11 members, works most days, keeps trying the enterprise-only
   * audit log and runs workflows: enough to activate the account and hold seat, premium and
   * power-user signals.
   */
  private static List<List<UsageEvent>> history(Random random) {
    List<List<UsageEvent>> days = new ArrayList<>();
    int members = 0;
    for (int d = 0; d < DAYS; d++) {
      List<UsageEvent> day = new ArrayList<>();
      Instant morning = START.plus(Duration.ofDays(d)).plus(Duration.ofHours(8));
      if (d % 8 == 0 && members < 11) {
        members++;
        day.add(
            SignalTestSupport.event(
                    "add-" + members,
                    "acme",
                    "u" + members,
                    morning,
                    "USER_ADDED",
                    Map.of(
                        "role",
                        members == 1 ? "OWNER" : "MEMBER",
                        "team",
                        members % 2 == 0 ? "ops" : "eng"))
                .build());
      }
      for (int u = 1; u <= members; u++) {
        if (random.nextInt(10) < 8) {
          day.add(
              SignalTestSupport.event(
                      "active-" + d + "-" + u,
                      "acme",
                      "u" + u,
                      morning.plus(Duration.ofMinutes(random.nextInt(600))),
                      "USER_ACTIVE",
                      Map.of())
                  .build());
        }
      }
      if (random.nextInt(3) == 0 && members > 0) {
        day.add(
            SignalTestSupport.event(
                    "paywall-" + d,
                    "acme",
                    "u1",
                    morning.plus(Duration.ofMinutes(random.nextInt(600))),
                    "PAYWALL_HIT",
                    Map.of("feature_key", "audit_log"))
                .build());
      }
      if (members >= 3) {
        day.add(
            SignalTestSupport.event(
                    "workflow-" + d,
                    "acme",
                    "u2",
                    morning.plus(Duration.ofHours(3)),
                    "WORKFLOW_COMPLETED",
                    Map.of("workflow_key", "weekly-report"))
                .build());
      }
      days.add(day);
    }
    return days;
  }

  private static void ingest(SignalTestSupport service, List<UsageEvent> events) {
    if (!events.isEmpty()) {
      service.stub.ingestEvents(IngestEventsRequest.newBuilder().addAllEvents(events).build());
    }
  }

  private static List<Signal> current(SignalTestSupport service) {
    return service
        .stub
        .listAccountSignals(ListAccountSignalsRequest.newBuilder().setAccountId("acme").build())
        .getCurrentList();
  }

  private static UsageSnapshot snapshot(SignalTestSupport service, Instant asOf) {
    return service
        .stub
        .getUsageSnapshot(
            GetUsageSnapshotRequest.newBuilder()
                .setAccountId("acme")
                .setAsOf(SignalTestSupport.ts(asOf))
                .build())
        .getSnapshot();
  }

  /**
   * What a user compares: which signals hold, in which status, since when, with which evidence
   * values.
   */
  private static List<String> summary(List<Signal> signals) {
    return signals.stream()
        .sorted(Comparator.comparing(s -> s.getType().getNumber()))
        .map(
            s ->
                s.getType()
                    + " "
                    + s.getStatus()
                    + " since "
                    + s.getSince().getSeconds()
                    + " "
                    + s.getEvidenceList().stream()
                        .map(e -> e.getMetric() + "=" + e.getValue())
                        .toList())
        .toList();
  }
}
