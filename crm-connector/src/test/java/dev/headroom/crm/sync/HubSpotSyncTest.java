package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.FieldMapping;
import dev.headroom.api.crm.v1.GetFieldMappingsRequest;
import dev.headroom.api.crm.v1.SourceField;
import dev.headroom.api.crm.v1.UpdateFieldMappingsRequest;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connector against the HubSpot stand-in: batches of 100, string values, mapping changes. */
class HubSpotSyncTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String TOKEN = "pat-na1-7b2e-never-in-logs";
  static final String MATCH = "headroom_account_id";

  static Apps.CapturedLogs logs;
  static HubSpotStandin hs;
  static Connector crm;

  @BeforeAll
  static void start() throws Exception {
    logs = Apps.CapturedLogs.install();
    hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
    hs.withHeadroomProperties();
    hs.start();
    crm = new Connector(PG.database());
  }

  @AfterAll
  static void stop() {
    crm.close();
    hs.close();
    logs.close();
  }

  static List<RecordedRequest> upserts() {
    return hs.requests().stream()
        .filter(r -> r.path().equals("/crm/v3/objects/companies/batch/upsert"))
        .toList();
  }

  @Test
  void companiesLandInBatchesOfAHundredAndAMappingChangeResendsOnlyThatField() {
    for (int i = 0; i < 150; i++) {
      crm.scoring.publish(
          FakeScoring.score("acc-" + i, 70, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 50_000L));
    }
    Await.until("scores stored", () -> crm.app.followerPosition() == 150);
    String connectionId =
        crm.stub
            .createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(Connector.hubSpot(hs.baseUrl(), TOKEN))
                    .setActor("revops@example.com")
                    .build())
            .getConnection()
            .getConnectionId();
    Await.until("every company written", () -> hs.objectCount("companies") == 150);
    assertEquals(List.of(100, 50), upserts().stream().map(r -> r.records().size()).toList());
    var company = hs.object("companies", MATCH, "acc-149").orElseThrow();
    assertEquals("70", company.get("expansion_readiness_score"));
    assertEquals("Seat Add", company.get("expansion_type"));
    assertEquals("500.00", company.get("expansion_arr_potential"));
    assertEquals("Self-serve", company.get("recommended_action"));

    hs.clearRequests();
    List<FieldMapping> mappings = new ArrayList<>();
    for (FieldMapping m :
        crm.stub
            .getFieldMappings(
                GetFieldMappingsRequest.newBuilder().setConnectionId(connectionId).build())
            .getMappingsList()) {
      mappings.add(
          m.getSource() == SourceField.SOURCE_FIELD_RECOMMENDED_ACTION
              ? m.toBuilder().putValueMap("SELF_SERVE", "Inside Sales").build()
              : m);
    }
    crm.stub.updateFieldMappings(
        UpdateFieldMappingsRequest.newBuilder()
            .setConnectionId(connectionId)
            .addAllMappings(mappings)
            .setActor("revops@example.com")
            .build());
    Await.until(
        "remapped value everywhere",
        () ->
            java.util.stream.IntStream.range(0, 150)
                .allMatch(
                    i ->
                        hs.object("companies", MATCH, "acc-" + i)
                            .orElseThrow()
                            .get("recommended_action")
                            .equals("Inside Sales")));
    List<RecordedRequest> sent = upserts();
    assertEquals(150, sent.stream().mapToInt(r -> r.records().size()).sum());
    assertTrue(
        sent.stream()
            .flatMap(r -> r.records().stream())
            .allMatch(f -> f.equals(Set.of("recommended_action"))));
    assertFalse(logs.text().contains(TOKEN));

    // An urgent account gets one deal, associated with its company, and its close comes back.
    crm.scoring.publish(
        FakeScoring.score("acc-5", 80, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 90_000L));
    Await.until(
        "a deal for acc-5, associated",
        () ->
            hs.id("deals", "headroom_opportunity_key", "acc-5:SEAT_ADD:1")
                .flatMap(hs::associatedCompany)
                .isPresent());
    var deal = hs.object("deals", "headroom_opportunity_key", "acc-5:SEAT_ADD:1").orElseThrow();
    assertEquals("900.00", deal.get("amount"));
    assertEquals("appointmentscheduled", deal.get("dealstage"));
    assertTrue(deal.get("description").startsWith("Current state: readiness score 80"));
    assertEquals(1, hs.objectCount("deals"));
    assertEquals(
        hs.id("companies", MATCH, "acc-5"),
        hs.associatedCompany(
            hs.id("deals", "headroom_opportunity_key", "acc-5:SEAT_ADD:1").orElseThrow()),
        "the deal is associated with acc-5's company");
    // Closed won a few minutes ago (HubSpot's closedate is a moment, kept to the millisecond).
    java.time.Instant closedAt =
        java.time.Instant.now()
            .minus(java.time.Duration.ofMinutes(3))
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    hs.edit(
        "deals",
        "headroom_opportunity_key",
        "acc-5:SEAT_ADD:1",
        java.util.Map.of(
            "dealstage",
            "closedwon",
            "amount",
            "1200",
            "closedate",
            Long.toString(closedAt.toEpochMilli())));
    Await.until("the won deal is an outcome", () -> crm.scoring.outcomes().size() == 1);
    var outcome = crm.scoring.outcomes().values().iterator().next();
    assertEquals(
        closedAt,
        java.time.Instant.ofEpochSecond(
            outcome.getOccurredAt().getSeconds(), outcome.getOccurredAt().getNanos()),
        "dated at the deal's close moment, not at midnight of its day");
    assertEquals("acc-5", outcome.getAccountId());
    assertEquals(120_000, outcome.getArrDelta().getMinorUnits());
    assertEquals(dev.headroom.api.scoring.v1.OutcomeResult.OUTCOME_RESULT_WON, outcome.getResult());
  }
}
