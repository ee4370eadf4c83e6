package dev.headroom.crm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Clients;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule actions through Salesforce's sObject Collections create, against the stand-in over real HTTP
 * on 127.0.0.1: tasks and campaign members of many accounts in one request, refusals per record,
 * and no second task after a lost answer.
 */
class SalesforceActionBatchTest {
  static final String SECRET = "sf-batch-secret-do-not-leak";
  static final String MATCH = "Headroom_Account_Id__c";

  SalesforceStandin sf;
  SalesforceClient client;

  @BeforeEach
  void start() throws Exception {
    sf = new SalesforceStandin(Clock.systemUTC(), "client-1", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    client = Clients.salesforce(sf.baseUrl(), "client-1", SECRET);
    client.upsertAccounts(SalesforceClientTest.writes(200, 60));
    sf.clearRequests();
  }

  @AfterEach
  void stop() {
    sf.close();
  }

  String crmId(int account) {
    return sf.id("Account", MATCH, "acc-" + account).orElseThrow();
  }

  /** Keys long enough that looking up 200 of them needs several queries. */
  List<TaskWrite> tasks(int n, boolean mayExist) {
    return Clients.tasks(
        n, "rule-usage-review-call-0123456789abcdef", i -> crmId(i % 200), mayExist);
  }

  List<RecordedRequest> creates() {
    return sf.requests().stream().filter(r -> r.path().endsWith("/composite/sobjects")).toList();
  }

  @Test
  void twoHundredTasksGoOutInOneCreateAndARefusedOneFailsAloneWithTheCrmsMessage()
      throws Exception {
    sf.edit("Account", MATCH, "acc-3", Map.of("OwnerId", "005AE0000000042AAA"));
    sf.rejectRecord(crmId(7), "Tasks on this account are locked by a validation rule");
    List<RecordResult> results = client.createTasks(tasks(200, false));

    assertEquals(1, creates().size(), "one sObject Collections create for 200 tasks");
    assertEquals(200, creates().get(0).records().size());
    assertEquals(200, results.size());
    RecordResult refused = results.get(7);
    assertEquals(false, refused.success());
    assertEquals("FIELD_CUSTOM_VALIDATION_EXCEPTION", refused.errorCode());
    assertEquals("Tasks on this account are locked by a validation rule", refused.errorMessage());
    assertEquals(199, results.stream().filter(RecordResult::success).count());
    assertEquals(199, sf.recordCount("Task"));
    Map<String, Object> task =
        sf.record("Task", SalesforceClient.TASK_KEY, results.get(3).accountId()).orElseThrow();
    assertEquals(crmId(3), task.get("WhatId"));
    assertEquals("005AE0000000042AAA", task.get("OwnerId"), "owned by the account's owner");
    assertEquals("2026-12-04", task.get("ActivityDate"));
    assertThrows(IllegalArgumentException.class, () -> client.createTasks(tasks(201, false)));
  }

  @Test
  void afterALostAnswerTheTasksAreLookedUpInQueriesWithinTheUriLimitNotCreatedTwice()
      throws Exception {
    sf.loseNextResponse("Task");
    CrmCallException lost =
        assertThrows(CrmCallException.class, () -> client.createTasks(tasks(200, false)));
    assertEquals(CrmCallException.Kind.TRANSIENT, lost.kind());
    assertEquals(1, creates().size(), "a create is never resent blindly");
    assertEquals(200, sf.recordCount("Task"));
    sf.clearRequests();

    List<RecordResult> again = client.createTasks(tasks(200, true));

    assertTrue(again.stream().allMatch(RecordResult::success));
    assertEquals(200, sf.recordCount("Task"), "no task twice");
    assertEquals(0, creates().size());
    Set<String> ids = new HashSet<>();
    again.forEach(r -> ids.add(r.crmId()));
    assertEquals(200, ids.size());
    List<RecordedRequest> lookups =
        sf.requests().stream().filter(r -> r.path().endsWith("/query")).toList();
    assertTrue(lookups.size() > 1, "200 long keys do not fit one query");
    assertTrue(lookups.stream().allMatch(r -> r.status() == 200));
  }

  @Test
  void theStandinAnswersAnOverlongQueryUriAs414LikeSalesforce() throws Exception {
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      in.append(i == 0 ? "'" : ",'").append("x".repeat(40)).append(i).append("'");
    }
    // Through the client's own session: its SOQL chunking is bypassed by a single literal list.
    var http = java.net.http.HttpClient.newHttpClient();
    String token =
        http.send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(sf.baseUrl() + "/services/oauth2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "grant_type=client_credentials&client_id=client-1&client_secret="
                                + SECRET))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body()
            .replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    var tooLong =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(
                        sf.baseUrl()
                            + "/services/data/v62.0/query?q="
                            + java.net.URLEncoder.encode(
                                "SELECT Id FROM Task WHERE Headroom_Task_Key__c IN (" + in + ")",
                                java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(414, tooLong.statusCode());
  }

  @Test
  void buyersOfManyAccountsAreReadInOneQueryAndEnrolledInOneCreate() throws Exception {
    String campaign = sf.addCampaign("Self-serve expansion");
    List<String> contacts = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      contacts.add(sf.addContact("acc-" + i, "Dana", "Ito" + i, "VP Operations"));
    }
    sf.clearRequests();
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      accounts.add(crmId(i));
    }
    Map<String, List<Contact>> byAccount = client.contacts(accounts);
    assertEquals(150, byAccount.size());
    assertEquals(List.of(new Contact(contacts.get(42), "VP Operations")), byAccount.get(crmId(42)));

    List<RecordResult> first = client.enroll("Self-serve expansion", contacts.subList(0, 100));
    List<RecordResult> second = client.enroll(campaign, contacts);

    assertTrue(first.stream().allMatch(r -> r.success() && r.crmId().equals(campaign)));
    assertTrue(
        second.stream().allMatch(RecordResult::success), "already a member counts as enrolled");
    assertEquals(Set.copyOf(contacts), sf.campaignMembers(campaign));
    assertEquals(150, sf.recordCount("CampaignMember"));
    assertEquals(2, creates().size(), "one create per enrolment of up to 200 members");
  }

  @Test
  void aQueryAnsweredInPagesIsReadToTheEnd() throws Exception {
    for (int i = 0; i < 2_100; i++) {
      sf.addContact("acc-" + (i % 3), "Lee", "Park" + i, "Engineer");
    }
    sf.clearRequests();
    Map<String, List<Contact>> byAccount = client.contacts(List.of(crmId(0), crmId(1), crmId(2)));
    assertEquals(2_100, byAccount.values().stream().mapToInt(List::size).sum());
    assertEquals(2, sf.requests().size(), "the first page and the one behind nextRecordsUrl");
  }
}
