package dev.headroom.crm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.crm.domain.CrmValue;
import dev.headroom.crm.domain.DefaultMappings;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.domain.RecordMapper;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.testing.Clients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HubSpot client against the HubSpot stand-in over real HTTP on 127.0.0.1. */
class HubSpotClientTest {
  static final String TOKEN = "pat-na1-test-token-do-not-leak";

  HubSpotStandin hs;
  HubSpotClient client;

  @BeforeEach
  void start() {
    hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
    hs.object("companies", HubSpotStandin.seedCompanyProperties(), Set.of("headroom_account_id"));
    hs.start();
    client = client(TOKEN);
  }

  @AfterEach
  void stop() {
    hs.close();
  }

  HubSpotClient client(String token) {
    return Clients.hubSpot(hs.baseUrl(), token);
  }

  static List<RecordWrite> writes(int n, int score, String type) {
    List<RecordWrite> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new RecordWrite(
              "acc-" + i,
              RecordMapper.map(
                  Clients.account("acc-" + i, score, type), DefaultMappings.of(Provider.HUBSPOT))));
    }
    return out;
  }

  @Test
  void upsertsAHundredCompaniesByTheUniquePropertyAsStrings() throws Exception {
    List<RecordResult> created = client.upsertAccounts(writes(100, 80, "SEAT_ADD"));
    assertTrue(created.stream().allMatch(r -> r.success() && r.created()));
    List<RecordResult> updated = client.upsertAccounts(writes(100, 81, "SEAT_ADD"));
    assertTrue(updated.stream().allMatch(r -> r.success() && !r.created()));
    assertEquals(100, hs.objectCount("companies"));
    Map<String, String> company =
        hs.object("companies", "headroom_account_id", "acc-42").orElseThrow();
    assertEquals("81", company.get("expansion_readiness_score"));
    assertEquals("Seat Add", company.get("expansion_type"));
    assertEquals("12345.50", company.get("expansion_arr_potential"));
    assertEquals(
        Long.toString(java.time.Instant.parse("2026-11-02T10:15:30Z").toEpochMilli()),
        company.get("last_signal_date"));
    assertEquals(created.get(42).crmId(), updated.get(42).crmId());
  }

  @Test
  void theStandinRejects101InputsTheWayHubSpotDoes() throws Exception {
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      inputs
          .append(i == 0 ? "" : ",")
          .append("{\"idProperty\":\"headroom_account_id\",\"id\":\"x")
          .append(i)
          .append("\",\"properties\":{}}");
    }
    HttpResponse<String> tooMany =
        post(hs, "/crm/v3/objects/companies/batch/upsert", "{\"inputs\":[" + inputs + "]}");
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("\"category\":\"VALIDATION_ERROR\""), tooMany.body());
    assertEquals(0, hs.objectCount("companies"));
    assertThrows(
        IllegalArgumentException.class, () -> client.upsertAccounts(writes(101, 50, "SEAT_ADD")));
  }

  @Test
  void aMultiStatusAnswerFailsOnlyTheBadInputWithHubSpotsMessage() throws Exception {
    hs.rejectRecord("acc-3", "Property values were not valid: expansion_type");
    List<RecordResult> results = client.upsertAccounts(writes(5, 70, "TIER_UPGRADE"));
    assertEquals(
        List.of(true, true, true, false, true),
        results.stream().map(RecordResult::success).toList());
    assertEquals(207, results.get(3).httpStatus());
    assertEquals("VALIDATION_ERROR", results.get(3).errorCode());
    assertTrue(results.get(3).errorMessage().contains("expansion_type"));
    assertEquals(4, hs.objectCount("companies"));
  }

  @Test
  void theTenSecondAllowanceIsRespectedWithoutLosingARequest() throws Exception {
    hs.tenSecondLimit(2);
    for (int i = 0; i < 3; i++) {
      assertTrue(client.upsertAccounts(writes(1, 50 + i, "SEAT_ADD")).get(0).success());
    }
    List<RecordedRequest> seen = hs.requests();
    assertTrue(seen.stream().noneMatch(r -> r.status() == 429), "429 answered: " + seen);
    Duration spread =
        Duration.between(seen.get(0).receivedAt(), seen.get(seen.size() - 1).receivedAt());
    assertTrue(spread.compareTo(Duration.ofSeconds(10)) >= 0, "three requests within " + spread);
  }

  @Test
  void a429IsRetriedAfterItsRetryAfter() throws Exception {
    hs.faults().then(rateLimited(), 1);
    assertTrue(client.upsertAccounts(writes(1, 50, "SEAT_ADD")).get(0).success());
    List<RecordedRequest> seen = hs.requests();
    assertEquals(List.of(429, 200), seen.stream().map(RecordedRequest::status).toList());
    assertTrue(
        Duration.between(seen.get(0).receivedAt(), seen.get(1).receivedAt())
                .compareTo(Duration.ofSeconds(1))
            >= 0);
  }

  @Test
  void anUnknownPropertyRejectsTheBatchWithHubSpotsError() {
    CrmCallException e =
        assertThrows(
            CrmCallException.class,
            () ->
                client.upsertAccounts(
                    List.of(
                        new RecordWrite(
                            "acc-1", Map.of("no_such_property", new CrmValue.Text("x"))))));
    assertEquals(CrmCallException.Kind.REJECTED, e.kind());
    assertTrue(e.getMessage().contains("PROPERTY_DOESNT_EXIST"), e.getMessage());
  }

  @Test
  void aRevokedTokenSaysWhatToDoWithoutTheToken() {
    hs.rotateToken("pat-na1-new");
    CrmCallException e =
        assertThrows(
            CrmCallException.class, () -> client.upsertAccounts(writes(1, 50, "SEAT_ADD")));
    assertEquals(CrmCallException.Kind.AUTH, e.kind());
    assertFalse(e.getMessage().contains(TOKEN));
    var checks = client.test(DefaultMappings.of(Provider.HUBSPOT));
    assertFalse(checks.get(0).passed());
    assertTrue(checks.get(0).detail().contains("private app"), checks.get(0).detail());
  }

  @Test
  void anHtmlErrorPageIsAClearFailureNotACrash() throws Exception {
    hs.faults()
        .then(
            new dev.headroom.crm.standin.FaultScript.Fault(
                400, 0, "text/html", "<html><body>Bad gateway config</body></html>"),
            1);
    CrmCallException e =
        assertThrows(
            CrmCallException.class, () -> client.upsertAccounts(writes(1, 50, "SEAT_ADD")));
    assertEquals("MALFORMED_RESPONSE", e.errorCode());
    assertTrue(e.getMessage().contains("text/html"), e.getMessage());
  }

  /** A JSON POST with the stand-in's token, as a client that ignores the limits would send it. */
  static HttpResponse<String> post(HubSpotStandin hs, String path, String json) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(hs.baseUrl() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** HubSpot's 429 of a spent ten-second window, with a one-second Retry-After. */
  static dev.headroom.crm.standin.FaultScript.Fault rateLimited() {
    return new dev.headroom.crm.standin.FaultScript.Fault(
        429, 1, "application/json", "{\"status\":\"error\",\"errorType\":\"RATE_LIMIT\"}");
  }
}
