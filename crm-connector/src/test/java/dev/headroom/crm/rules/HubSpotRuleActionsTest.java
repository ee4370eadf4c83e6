package dev.headroom.crm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.crm.standin.FaultScript;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.WebhookStandin;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seeds' workflow rules carried out in the HubSpot stand-in, end to end: scores arrive over
 * WatchScores and each test asserts what the portal (and the alert webhook) holds afterwards. Tests
 * run in order on one portal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubSpotRuleActionsTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String TOKEN = "pat-na1-rules-token-never-logged";
  static final String HOOK_SECRET = "hook-77e2-never-logged";
  static final String MATCH = "headroom_account_id";
  static final String KEY = "headroom_opportunity_key";
  static final String ACCOUNT_EXECUTIVE = "84120377";

  static Apps.CapturedLogs logs;
  static HubSpotStandin hs;
  static WebhookStandin slack;
  static Connector crm;
  static String listId;

  @BeforeAll
  static void start() throws Exception {
    logs = Apps.CapturedLogs.install();
    hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
    hs.withHeadroomProperties();
    hs.start();
    listId = hs.addList("Self-serve expansion");
    slack = new WebhookStandin(Clock.systemUTC(), HOOK_SECRET);
    slack.start();
    crm = new Connector(PG.database());
    crm.stub.createConnection(
        CreateConnectionRequest.newBuilder()
            .setConnection(
                Connector.hubSpot(hs.baseUrl(), TOKEN)
                    .mergeCredentials(
                        Credentials.newBuilder().setAlertWebhookUrl(slack.url()).build()))
            .setActor("revops@example.com")
            .build());
  }

  @AfterAll
  static void stop() throws Exception {
    crm.close();
    hs.close();
    slack.close();
    logs.close();
  }

  /** Publishes a score and waits until HubSpot holds it on the company. */
  static void scored(Score score) {
    crm.scoring.publish(score);
    Await.until(
        score.getAccountId() + " at " + score.getScore() + " in HubSpot",
        () ->
            hs.object("companies", MATCH, score.getAccountId())
                .map(
                    c ->
                        Integer.toString(score.getScore())
                            .equals(c.get("expansion_readiness_score")))
                .orElse(false));
  }

  static void scored(String accountId, int score, ExpansionType type) {
    scored(FakeScoring.score(accountId, score, type, 250_000L));
  }

  static String companyId(String accountId) {
    return hs.id("companies", MATCH, accountId).orElseThrow();
  }

  static List<Map<String, String>> tasksOf(String accountId) {
    String company = companyId(accountId);
    return hs.objects("tasks").stream()
        .filter(
            t ->
                hs.id("tasks", "headroom_task_key", t.get("headroom_task_key"))
                    .map(id -> hs.associations("tasks", id, "companies").contains(company))
                    .orElse(false))
        .toList();
  }

  @Test
  @Order(1)
  void theDealIsOwnedByTheCompanysOwner() {
    scored("acc-owned", 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    hs.edit("companies", MATCH, "acc-owned", Map.of("hubspot_owner_id", ACCOUNT_EXECUTIVE));
    scored("acc-owned", 80, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    Await.until("the deal", () -> hs.object("deals", KEY, "acc-owned:SEAT_ADD:1").isPresent());
    assertEquals(
        ACCOUNT_EXECUTIVE,
        hs.object("deals", KEY, "acc-owned:SEAT_ADD:1").orElseThrow().get("hubspot_owner_id"));
  }

  @Test
  @Order(2)
  void anUrgentCompanyAlertsOncePerFiringWithALinkToTheCompany() {
    scored("acc-alert", 50, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    slack.faults().unavailable(1);
    scored("acc-alert", 85, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    Await.until("the alert", () -> slack.about("acc-alert").size() == 1);
    JsonNode alert = slack.about("acc-alert").get(0).message();
    assertTrue(alert.path("blocks").toString().contains("*Score*\\n85"), alert.toString());
    assertEquals(
        "https://app.hubspot.com/contacts/"
            + HubSpotStandin.PORTAL_ID
            + "/record/0-2/"
            + companyId("acc-alert"),
        alert.path("blocks").get(3).path("elements").get(0).path("url").asText());

    scored("acc-alert", 90, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    scored("acc-marker", 86, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    Await.until("the marker's alert", () -> slack.about("acc-marker").size() == 1);
    assertEquals(1, slack.about("acc-alert").size());
  }

  @Test
  @Order(3)
  void seatAddBuyersJoinTheSelfServeList() {
    scored("acc-seats", 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    String dana = hs.addContact("acc-seats", "Dana", "Ito", "Head of Finance");
    String lee = hs.addContact("acc-seats", "Lee", "Park", "Co-Founder & CEO");
    hs.addContact("acc-seats", "Sam", "Ruiz", "Data Analyst");
    scored("acc-seats", 65, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    Await.until("buyers in the list", () -> hs.listMembers(listId).equals(Set.of(dana, lee)));
    scored("acc-seats", 55, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    scored("acc-seats", 70, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    Await.until(
        "the second enrolment done",
        () ->
            crm.ruleActions("acc-seats")
                .equals(List.of("ENROLL_CAMPAIGN DONE", "ENROLL_CAMPAIGN DONE")));
    assertEquals(Set.of(dana, lee), hs.listMembers(listId));
  }

  @Test
  @Order(4)
  void aTierUpgradeCreatesOneTaskOnTheCompanyForItsOwnerEvenWhenTheAnswerIsLost() {
    scored("acc-tier", 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    hs.edit("companies", MATCH, "acc-tier", Map.of("hubspot_owner_id", ACCOUNT_EXECUTIVE));
    hs.loseNextResponse("tasks");
    scored("acc-tier", 55, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE);
    Await.until(
        "the task created", () -> crm.ruleActions("acc-tier").equals(List.of("CREATE_TASK DONE")));
    List<Map<String, String>> tasks = tasksOf("acc-tier");
    assertEquals(1, tasks.size(), "one task although its first answer was lost");
    Map<String, String> task = tasks.get(0);
    assertEquals("Usage review call", task.get("hs_task_subject"));
    assertEquals("NOT_STARTED", task.get("hs_task_status"));
    assertEquals(ACCOUNT_EXECUTIVE, task.get("hubspot_owner_id"));
    assertEquals(
        Long.toString(
            LocalDate.now(ZoneOffset.UTC)
                .plusDays(3)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli()),
        task.get("hs_timestamp"));
    assertTrue(task.get("hs_task_body").startsWith("Current state: readiness score 55"));

    scored("acc-tier", 56, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    scored("acc-tier", 57, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE);
    Await.until(
        "the second firing recorded",
        () ->
            crm.ruleActions("acc-tier").equals(List.of("CREATE_TASK DONE", "CREATE_TASK SKIPPED")));
    assertEquals(1, tasksOf("acc-tier").size());
  }

  @Test
  @Order(5)
  void twoSignalsWithinAWeekFlagTheCompanyAndTheFlagClearsWhenTheyAreApart() {
    Instant first = Instant.parse("2026-11-02T08:00:00Z");
    scored(
        SalesforceRuleActionsTest.twoSignals(
            "acc-review", 47, first, first.plus(java.time.Duration.ofDays(6))));
    assertEquals(
        "true", hs.object("companies", MATCH, "acc-review").orElseThrow().get("immediate_review"));
    scored(
        SalesforceRuleActionsTest.twoSignals(
            "acc-review", 48, first, first.plus(java.time.Duration.ofDays(8))));
    assertEquals(
        "false", hs.object("companies", MATCH, "acc-review").orElseThrow().get("immediate_review"));
  }

  @Test
  @Order(6)
  void aFailingAlertIsDeadLetteredWithoutHoldingUpTheFieldSync() {
    slack.faults().then(new FaultScript.Fault(410, 0, "text/plain", "no_service"), 20);
    scored("acc-lost", 50, ExpansionType.EXPANSION_TYPE_ENTERPRISE);
    scored("acc-lost", 92, ExpansionType.EXPANSION_TYPE_ENTERPRISE);
    scored("acc-lost", 93, ExpansionType.EXPANSION_TYPE_ENTERPRISE);
    Await.until(
        "the alert given up",
        () -> crm.ruleActions("acc-lost").equals(List.of("SEND_ALERT DEAD_LETTERED")));
    slack.faults().clear();
    assertFalse(logs.text().contains(HOOK_SECRET), "a log line holds the webhook URL");
    assertFalse(logs.text().contains(TOKEN), "a log line holds the token");
  }
}
