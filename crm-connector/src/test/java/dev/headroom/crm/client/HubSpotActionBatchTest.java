package dev.headroom.crm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.testing.Clients;
import java.net.http.HttpResponse;
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
 * Rule actions through HubSpot's batch APIs, against the stand-in over real HTTP on 127.0.0.1:
 * tasks of many companies in one batch create answered 207 per input, contacts read through one v4
 * associations batch read, one list membership request, and no second task after a lost answer.
 */
class HubSpotActionBatchTest {
  static final String TOKEN = HubSpotClientTest.TOKEN;
  static final String MATCH = "headroom_account_id";

  HubSpotStandin hs;
  HubSpotClient client;

  @BeforeEach
  void start() throws Exception {
    hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
    hs.withHeadroomProperties();
    hs.start();
    client = Clients.hubSpot(hs.baseUrl(), TOKEN);
    client.upsertAccounts(HubSpotClientTest.writes(100, 60, "TIER_UPGRADE"));
    hs.clearRequests();
  }

  @AfterEach
  void stop() {
    hs.close();
  }

  String companyId(int account) {
    return hs.id("companies", MATCH, "acc-" + account).orElseThrow();
  }

  List<TaskWrite> tasks(int n, boolean mayExist) {
    return Clients.tasks(n, "rule-usage-review", i -> companyId(i % 100), mayExist);
  }

  List<RecordedRequest> creates() {
    return hs.requests().stream()
        .filter(r -> r.path().equals("/crm/v3/objects/tasks/batch/create"))
        .toList();
  }

  @Test
  void aHundredTasksGoOutInOneBatchCreateAndARefusedOneFailsAloneWithHubSpotsMessage()
      throws Exception {
    hs.edit("companies", MATCH, "acc-3", Map.of("hubspot_owner_id", "77001"));
    List<TaskWrite> tasks = tasks(100, false);
    hs.rejectRecord(tasks.get(7).key(), "Property values were not valid: hs_task_body");

    List<RecordResult> results = client.createTasks(tasks);

    assertEquals(1, creates().size(), "one batch create for 100 tasks");
    assertEquals(207, creates().get(0).status());
    assertEquals(100, results.size());
    assertFalse(results.get(7).success());
    assertEquals("Property values were not valid: hs_task_body", results.get(7).errorMessage());
    assertEquals(99, results.stream().filter(RecordResult::success).count());
    assertEquals(99, hs.objectCount("tasks"));
    String task = results.get(3).crmId();
    assertEquals(Set.of(companyId(3)), hs.associations("tasks", task, "companies"));
    assertEquals(
        "77001",
        hs.object("tasks", "headroom_task_key", tasks.get(3).key())
            .orElseThrow()
            .get("hubspot_owner_id"));
    assertThrows(IllegalArgumentException.class, () -> client.createTasks(tasks(101, false)));
  }

  @Test
  void theStandinRefuses101InputsTheWayHubSpotDoes() throws Exception {
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      inputs
          .append(i == 0 ? "" : ",")
          .append("{\"properties\":{\"hs_task_subject\":\"x\",\"hs_timestamp\":\"1\"}}");
    }
    HttpResponse<String> tooMany =
        HubSpotClientTest.post(
            hs, "/crm/v3/objects/tasks/batch/create", "{\"inputs\":[" + inputs + "]}");
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("VALIDATION_ERROR"), tooMany.body());
    assertEquals(0, hs.objectCount("tasks"));
  }

  @Test
  void a429PausesTheConnectionUntilItsRetryAfterAndTheBatchCreatesEachTaskOnce() throws Exception {
    hs.faults().then(HubSpotClientTest.rateLimited(), 1);

    List<RecordResult> results = client.createTasks(tasks(100, false));

    assertTrue(results.stream().allMatch(RecordResult::success));
    RecordedRequest throttled = hs.requests().get(0);
    assertEquals(429, throttled.status());
    assertEquals(1, creates().size());
    assertEquals(201, creates().get(0).status());
    assertTrue(
        java.time.Duration.between(throttled.receivedAt(), creates().get(0).receivedAt())
                .compareTo(java.time.Duration.ofSeconds(1))
            >= 0,
        "no batch sent before the Retry-After");
    assertEquals(100, hs.objectCount("tasks"), "every task once");
  }

  @Test
  void afterALostAnswerTheTasksAreFoundByOneSearchNotCreatedTwice() throws Exception {
    hs.loseNextResponse("tasks");
    CrmCallException lost =
        assertThrows(CrmCallException.class, () -> client.createTasks(tasks(100, false)));
    assertEquals(CrmCallException.Kind.TRANSIENT, lost.kind());
    assertEquals(1, creates().size(), "a create is never resent blindly");
    hs.clearRequests();

    List<RecordResult> again = client.createTasks(tasks(100, true));

    assertTrue(again.stream().allMatch(RecordResult::success));
    assertEquals(100, hs.objectCount("tasks"), "no task twice");
    assertEquals(0, creates().size());
    Set<String> ids = new HashSet<>();
    again.forEach(r -> ids.add(r.crmId()));
    assertEquals(100, ids.size());
    assertEquals(
        1,
        hs.requests().stream()
            .filter(r -> r.path().equals("/crm/v3/objects/tasks/search"))
            .count());
  }

  @Test
  void buyersOfManyCompaniesAreReadInOneBatchAndAddedToTheListInOneRequest() throws Exception {
    String list = hs.addList("Self-serve expansion");
    List<String> contacts = new ArrayList<>();
    List<String> companies = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      contacts.add(hs.addContact("acc-" + i, "Dana" + i, "Ito", "VP Operations"));
      companies.add(companyId(i));
    }
    hs.clearRequests();

    Map<String, List<Contact>> byCompany = client.contacts(companies);
    List<RecordResult> enrolled =
        client.enroll("Self-serve expansion", List.of(contacts.get(0), "999999", contacts.get(1)));
    List<RecordResult> all = client.enroll(list, contacts);

    assertEquals(
        List.of(new Contact(contacts.get(5), "VP Operations")), byCompany.get(companyId(5)));
    assertEquals(
        1,
        hs.requests().stream()
            .filter(r -> r.path().equals("/crm/v4/associations/companies/contacts/batch/read"))
            .count());
    assertTrue(enrolled.get(0).success() && enrolled.get(2).success());
    assertFalse(enrolled.get(1).success(), "a contact HubSpot does not know fails alone");
    assertEquals("RECORD_MISSING", enrolled.get(1).errorCode());
    assertTrue(all.stream().allMatch(r -> r.success() && r.crmId().equals(list)));
    assertEquals(Set.copyOf(contacts), hs.listMembers(list));
    assertEquals(
        2,
        hs.requests().stream().filter(r -> r.path().endsWith("/memberships/add")).count(),
        "one membership request per enrolment");
  }
}
