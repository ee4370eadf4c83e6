package dev.headroom.crm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.crm.domain.CrmValue;
import dev.headroom.crm.domain.DefaultMappings;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.domain.RecordMapper;
import dev.headroom.crm.standin.FaultScript;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.standin.StandinField;
import dev.headroom.crm.testing.Clients;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Salesforce client against the Salesforce stand-in over real HTTP on 127.0.0.1. */
class SalesforceClientTest {
  static final String SECRET = "sf-client-secret-do-not-leak";

  SalesforceStandin sf;
  SalesforceClient client;

  @BeforeEach
  void start() {
    sf = new SalesforceStandin(Clock.systemUTC(), "client-1", SECRET, "");
    sf.object("Account", SalesforceStandin.seedAccountFields());
    sf.start();
    client = client(SECRET);
  }

  @AfterEach
  void stop() {
    sf.close();
  }

  SalesforceClient client(String secret) {
    return Clients.salesforce(sf.baseUrl(), "client-1", secret);
  }

  static List<RecordWrite> writes(int n, int score) {
    List<RecordWrite> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new RecordWrite(
              "acc-" + i,
              RecordMapper.map(
                  Clients.account("acc-" + i, score, "SEAT_ADD"),
                  DefaultMappings.of(Provider.SALESFORCE))));
    }
    return out;
  }

  @Test
  void upsertsTwoHundredRecordsInOneRequestCreatedThenUpdated() throws Exception {
    List<RecordResult> first = client.upsertAccounts(writes(200, 80));
    assertEquals(200, first.size());
    assertTrue(first.stream().allMatch(r -> r.success() && r.created()));
    List<RecordResult> second = client.upsertAccounts(writes(200, 81));
    assertTrue(second.stream().allMatch(r -> r.success() && !r.created()));
    assertEquals(200, sf.recordCount("Account"));
    Map<String, Object> stored =
        sf.record("Account", "Headroom_Account_Id__c", "acc-7").orElseThrow();
    assertEquals(
        0, new BigDecimal("81").compareTo((BigDecimal) stored.get("Expansion_Readiness_Score__c")));
    assertEquals("Seat Add", stored.get("Expansion_Type__c"));
    assertEquals("Self-serve", stored.get("Recommended_Action__c"));
    assertEquals(
        0,
        new BigDecimal("12345.50")
            .compareTo((BigDecimal) stored.get("Expansion_ARR_Potential__c")));
    assertEquals("2026-11-02T10:15:30.000Z", stored.get("Last_Signal_Date__c"));
    assertEquals(2, sf.requests().size());
    assertTrue(sf.requests().stream().allMatch(r -> r.records().size() == 200));
  }

  @Test
  void theStandinRejects201RecordsTheWaySalesforceDoes() throws Exception {
    client.upsertAccounts(writes(1, 50)); // signs in
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < 201; i++) {
      records
          .append(i == 0 ? "" : ",")
          .append("{\"attributes\":{\"type\":\"Account\"},\"Headroom_Account_Id__c\":\"x")
          .append(i)
          .append("\"}");
    }
    HttpResponse<String> token =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(sf.baseUrl() + "/services/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&client_id=client-1&client_secret="
                                + SECRET))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String accessToken = token.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> tooMany =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            sf.baseUrl()
                                + "/services/data/v62.0/composite/sobjects/Account/Headroom_Account_Id__c"))
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json")
                    .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.ofString(
                            "{\"allOrNone\":false,\"records\":[" + records + "]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("\"errorCode\":\"EXCEEDED_ID_LIMIT\""), tooMany.body());
    assertEquals(1, sf.recordCount("Account"));
    assertThrows(IllegalArgumentException.class, () -> client.upsertAccounts(writes(201, 50)));
  }

  @Test
  void anExpiredSessionGetsOneNewTokenAndTheSameRequestAgain() throws Exception {
    client.upsertAccounts(writes(3, 50));
    assertEquals(1, sf.tokensIssued());
    sf.expireSessions();
    List<RecordResult> results = client.upsertAccounts(writes(3, 60));
    assertTrue(results.stream().allMatch(RecordResult::success));
    assertEquals(2, sf.tokensIssued());
    List<Integer> statuses = sf.requests().stream().map(RecordedRequest::status).toList();
    assertEquals(List.of(200, 401, 200), statuses);
  }

  @Test
  void aRetryAfterIsHonouredBeforeTheNextRequest() throws Exception {
    client.upsertAccounts(writes(1, 50));
    sf.clearRequests();
    sf.faults()
        .then(
            new FaultScript.Fault(
                429,
                1,
                "application/json",
                "[{\"message\":\"slow down\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"),
            1);
    client.upsertAccounts(writes(2, 55));
    List<RecordedRequest> seen = sf.requests();
    assertEquals(List.of(429, 200), seen.stream().map(RecordedRequest::status).toList());
    Duration gap = Duration.between(seen.get(0).receivedAt(), seen.get(1).receivedAt());
    assertTrue(gap.compareTo(Duration.ofSeconds(1)) >= 0, "next request came after " + gap);
  }

  @Test
  void anOutageAnsweredWithHtmlIsRetriedUntilSalesforceRecovers() throws Exception {
    sf.faults().unavailable(2);
    client.upsertAccounts(writes(1, 50)); // the token endpoint is not part of the outage
    assertEquals(
        List.of(503, 503, 200), sf.requests().stream().map(RecordedRequest::status).toList());
    sf.faults().unavailable(10);
    CrmCallException e =
        assertThrows(CrmCallException.class, () -> client.upsertAccounts(writes(1, 51)));
    assertEquals(CrmCallException.Kind.TRANSIENT, e.kind());
    sf.faults().clear();
  }

  @Test
  void aBadPicklistValueFailsItsRecordOnlyWithSalesforcesMessage() throws Exception {
    sf.object(
        "Account",
        SalesforceStandin.seedAccountFields().stream()
            .map(
                f ->
                    f.name().equals("Expansion_Type__c")
                        ? StandinField.picklist(
                            f.name(), "picklist", List.of("Seat Add", "Tier Upgrade"))
                        : f)
            .toList());
    List<RecordWrite> batch = new ArrayList<>(writes(3, 70));
    batch.set(
        1,
        new RecordWrite(
            "acc-1",
            RecordMapper.map(
                Clients.account("acc-1", 70, "ENTERPRISE"),
                DefaultMappings.of(Provider.SALESFORCE))));
    List<RecordResult> results = client.upsertAccounts(batch);
    assertTrue(results.get(0).success());
    assertFalse(results.get(1).success());
    assertEquals("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", results.get(1).errorCode());
    assertTrue(results.get(1).errorMessage().contains("Enterprise"), results.get(1).errorMessage());
    assertTrue(results.get(2).success());
  }

  @Test
  void anUnknownFieldRejectsTheRequestWithSalesforcesError() {
    CrmCallException e =
        assertThrows(
            CrmCallException.class,
            () ->
                client.upsertAccounts(
                    List.of(
                        new RecordWrite(
                            "acc-1", Map.of("No_Such_Field__c", new CrmValue.Text("x"))))));
    assertEquals(CrmCallException.Kind.REJECTED, e.kind());
    assertEquals("INVALID_FIELD", e.errorCode());
    assertTrue(e.getMessage().contains("No_Such_Field__c"));
  }

  @Test
  void aTruncatedAnswerFailsEachRecordClearly() throws Exception {
    sf.faults().truncatedJson(200);
    List<RecordResult> results = client.upsertAccounts(writes(2, 50));
    assertTrue(results.stream().noneMatch(RecordResult::success));
    assertEquals("MALFORMED_RESPONSE", results.get(0).errorCode());
  }

  @Test
  void refusedCredentialsSayWhatToFixWithoutTheSecret() {
    CrmCallException e =
        assertThrows(
            CrmCallException.class, () -> client("wrong-secret").upsertAccounts(writes(1, 50)));
    assertEquals(CrmCallException.Kind.AUTH, e.kind());
    assertTrue(e.getMessage().contains("client id and secret"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-secret"));
  }

  @Test
  void theDailyRequestLimitIsATransientFailure() throws Exception {
    client.upsertAccounts(writes(1, 50));
    sf.dailyLimit(1);
    CrmCallException e =
        assertThrows(CrmCallException.class, () -> client.upsertAccounts(writes(1, 51)));
    assertEquals(CrmCallException.Kind.TRANSIENT, e.kind());
  }

  @Test
  void testConnectionNamesAMissingFieldAndAMissingPicklistValue() {
    sf.object(
        "Account",
        SalesforceStandin.seedAccountFields().stream()
            .filter(f -> !f.name().equals("Last_Signal_Date__c"))
            .map(
                f ->
                    f.name().equals("Recommended_Action__c")
                        ? StandinField.picklist(f.name(), "picklist", List.of("Self-serve"))
                        : f)
            .toList());
    var checks = client.test(DefaultMappings.of(Provider.SALESFORCE));
    assertTrue(
        checks.stream().filter(c -> c.name().equals("authentication")).allMatch(c -> c.passed()));
    var missing =
        checks.stream()
            .filter(c -> c.name().equals("field Last_Signal_Date__c"))
            .findFirst()
            .orElseThrow();
    assertFalse(missing.passed());
    assertTrue(missing.detail().contains("create it"), missing.detail());
    var picklist =
        checks.stream()
            .filter(c -> c.name().equals("field Recommended_Action__c"))
            .findFirst()
            .orElseThrow();
    assertFalse(picklist.passed());
    assertTrue(picklist.detail().contains("Inside Sales"), picklist.detail());
    assertTrue(
        checks.stream()
            .filter(c -> c.name().equals("field Expansion_Type__c"))
            .allMatch(c -> c.passed()));
  }
}
