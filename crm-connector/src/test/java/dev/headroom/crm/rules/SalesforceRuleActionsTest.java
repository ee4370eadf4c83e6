package dev.headroom.crm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.CreateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.ListRuleActionsRequest;
import dev.headroom.api.crm.v1.ReplayRuleActionsRequest;
import dev.headroom.api.crm.v1.RuleAction;
import dev.headroom.api.crm.v1.RuleActionResult;
import dev.headroom.api.crm.v1.RuleActionStatus;
import dev.headroom.api.crm.v1.RuleCondition;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.signal.v1.EvidenceItem;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.crm.standin.FaultScript;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.standin.WebhookStandin;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.ViolatedFields;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The seeds' workflow rules carried out in the Salesforce stand-in, end to end: scores arrive over
 * WatchScores and each test asserts what the org (and the alert webhook) holds afterwards. Tests
 * run in order on one org.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SalesforceRuleActionsTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String SECRET = "sf-rules-secret-never-logged";
  static final String HOOK_SECRET = "hook-9c1d-never-logged";
  static final String MATCH = "Headroom_Account_Id__c";
  static final String KEY = "Headroom_Opportunity_Key__c";
  static final String ACCOUNT_EXECUTIVE = "005AE0000000042AAA";

  static Apps.CapturedLogs logs;
  static SalesforceStandin sf;
  static WebhookStandin slack;
  static Connector crm;
  static String connectionId;
  static String campaignId;

  @BeforeAll
  static void start() throws Exception {
    logs = Apps.CapturedLogs.install();
    sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    campaignId = sf.addCampaign("Self-serve expansion");
    slack = new WebhookStandin(Clock.systemUTC(), HOOK_SECRET);
    slack.start();
    crm = new Connector(PG.database());
    connectionId =
        crm.stub
            .createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(
                        Connector.salesforce(sf.baseUrl(), "headroom-app", SECRET)
                            .mergeCredentials(
                                Credentials.newBuilder().setAlertWebhookUrl(slack.url()).build()))
                    .setActor("revops@example.com")
                    .build())
            .getConnection()
            .getConnectionId();
  }

  @AfterAll
  static void stop() throws Exception {
    crm.close();
    sf.close();
    slack.close();
    logs.close();
  }

  /** Publishes a score and waits until Salesforce holds it on the account. */
  static void scored(Score score) {
    crm.scoring.publish(score);
    Await.until(
        score.getAccountId() + " at " + score.getScore() + " in Salesforce",
        () ->
            sf.record("Account", MATCH, score.getAccountId())
                .map(
                    a ->
                        new BigDecimal(score.getScore())
                                .compareTo((BigDecimal) a.get("Expansion_Readiness_Score__c"))
                            == 0)
                .orElse(false));
  }

  static void scored(String accountId, int score, ExpansionType type) {
    scored(FakeScoring.score(accountId, score, type, 250_000L));
  }

  static String accountId(String accountId) {
    return sf.id("Account", MATCH, accountId).orElseThrow();
  }

  @Test
  @Order(1)
  void theOpportunityIsOwnedByTheAccountsOwner() {
    scored("acc-owned", 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    sf.edit("Account", MATCH, "acc-owned", Map.of("OwnerId", ACCOUNT_EXECUTIVE));
    scored("acc-owned", 80, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    Await.until(
        "the opportunity", () -> sf.record("Opportunity", KEY, "acc-owned:SEAT_ADD:1").isPresent());
    assertEquals(
        ACCOUNT_EXECUTIVE,
        sf.record("Opportunity", KEY, "acc-owned:SEAT_ADD:1").orElseThrow().get("OwnerId"));
  }

  @Test
  @Order(2)
  void anUrgentAccountAlertsOncePerFiringWithItsEvidenceAndALinkToTheAccount() {
    Await.until("the first test's alert", () -> slack.about("acc-owned").size() == 1);
    slack.clearRequests();
    scored("acc-alert", 50, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    slack.faults().unavailable(2);
    scored("acc-alert", 85, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    Await.until("the alert", () -> slack.about("acc-alert").size() == 1);
    assertEquals(
        List.of(503, 503, 200),
        slack.requests().stream().map(RecordedRequest::status).toList().subList(0, 3));

    JsonNode alert = slack.about("acc-alert").get(0).message();
    assertTrue(
        alert.path("text").asText().contains("acc-alert is Urgent (score 85)"), alert.toString());
    String blocks = alert.path("blocks").toString();
    for (String expected :
        List.of(
            "*Score*\\n85",
            "*Band*\\nUrgent",
            "*Type*\\nMulti-Product",
            "*ARR potential*\\nUSD 2,500.00",
            "17 of 20 seats used (85%) &gt;= 80%")) {
      assertTrue(blocks.contains(expected), expected + " in " + blocks);
    }
    assertEquals(
        sf.baseUrl() + "/lightning/r/Account/" + accountId("acc-alert") + "/view",
        alert.path("blocks").get(3).path("elements").get(0).path("url").asText());

    // Still urgent: the rule keeps holding and does not fire again (a later account's alert,
    // queued after any second one, shows the queue has been worked through).
    scored("acc-alert", 90, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    scored("acc-marker", 86, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    Await.until("the marker's alert", () -> slack.about("acc-marker").size() == 1);
    assertEquals(1, slack.about("acc-alert").size());

    // Cooling down and heating up again is a new firing: one more alert, under a new key.
    scored("acc-alert", 60, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    scored("acc-alert", 88, ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT);
    Await.until("the second firing's alert", () -> slack.about("acc-alert").size() == 2);
    List<WebhookStandin.Received> both = slack.about("acc-alert");
    assertFalse(both.get(0).idempotencyKey().isEmpty());
    assertFalse(both.get(0).idempotencyKey().equals(both.get(1).idempotencyKey()));
  }

  @Test
  @Order(3)
  void seatAddBuyersAreEnrolledInTheSelfServeCampaign() {
    scored("acc-seats", 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    String dana = sf.addContact("acc-seats", "Dana", "Ito", "VP Operations");
    String lee = sf.addContact("acc-seats", "Lee", "Park", "Workspace Administrator");
    sf.addContact("acc-seats", "Sam", "Ruiz", "Software Engineer");
    scored("acc-seats", 65, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    Await.until("buyers enrolled", () -> sf.campaignMembers(campaignId).equals(Set.of(dana, lee)));

    // A second firing enrolls them again: already members, which is not an error.
    scored("acc-seats", 55, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    scored("acc-seats", 70, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    Await.until(
        "the second enrolment done",
        () ->
            crm.ruleActions("acc-seats")
                .equals(List.of("ENROLL_CAMPAIGN DONE", "ENROLL_CAMPAIGN DONE")));
    assertEquals(Set.of(dana, lee), sf.campaignMembers(campaignId));
    assertEquals(
        2,
        sf.records("CampaignMember").stream()
            .filter(
                m ->
                    campaignId.equals(m.get("CampaignId"))
                        && (dana.equals(m.get("ContactId")) || lee.equals(m.get("ContactId"))))
            .count());
  }

  @Test
  @Order(4)
  void aTierUpgradeCreatesOneUsageReviewTaskForTheOwnerEvenWhenTheAnswerIsLost() {
    scored("acc-tier", 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    sf.edit("Account", MATCH, "acc-tier", Map.of("OwnerId", ACCOUNT_EXECUTIVE));
    sf.loseNextResponse("Task");
    scored("acc-tier", 55, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE);
    Await.until(
        "the task created", () -> crm.ruleActions("acc-tier").equals(List.of("CREATE_TASK DONE")));
    List<Map<String, Object>> tasks =
        sf.records("Task").stream()
            .filter(t -> accountId("acc-tier").equals(t.get("WhatId")))
            .toList();
    assertEquals(1, tasks.size(), "one task although its first answer was lost");
    Map<String, Object> task = tasks.get(0);
    assertEquals("Usage review call", task.get("Subject"));
    assertEquals(ACCOUNT_EXECUTIVE, task.get("OwnerId"));
    assertEquals("Not Started", task.get("Status"));
    assertEquals(LocalDate.now(ZoneOffset.UTC).plusDays(3).toString(), task.get("ActivityDate"));
    assertTrue(((String) task.get("Description")).startsWith("Current state: readiness score 55"));

    // Firing again within the re-fire window creates no second task.
    scored("acc-tier", 56, ExpansionType.EXPANSION_TYPE_SEAT_ADD);
    scored("acc-tier", 57, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE);
    Await.until(
        "the second firing recorded",
        () ->
            crm.ruleActions("acc-tier").equals(List.of("CREATE_TASK DONE", "CREATE_TASK SKIPPED")));
    assertEquals(1, tasksOn("acc-tier"));
  }

  @Test
  @Order(5)
  void twoSignalsWithinAWeekFlagTheAccountAndTheFlagClearsWhenTheyAreApart() {
    Instant first = Instant.parse("2026-11-02T08:00:00Z");
    scored(twoSignals("acc-review", 47, first, first.plus(java.time.Duration.ofDays(6))));
    assertEquals(
        true, sf.record("Account", MATCH, "acc-review").orElseThrow().get("Immediate_Review__c"));
    scored(twoSignals("acc-review", 48, first, first.plus(java.time.Duration.ofDays(8))));
    assertEquals(
        false, sf.record("Account", MATCH, "acc-review").orElseThrow().get("Immediate_Review__c"));
  }

  @Test
  @Order(6)
  void aFailingAlertIsDeadLetteredWithoutHoldingUpTheFieldSync() {
    slack.faults().then(new FaultScript.Fault(404, 0, "text/plain", "no_service"), 20);
    scored("acc-hookless", 50, ExpansionType.EXPANSION_TYPE_ENTERPRISE);
    scored("acc-hookless", 92, ExpansionType.EXPANSION_TYPE_ENTERPRISE);
    scored("acc-hookless", 93, ExpansionType.EXPANSION_TYPE_ENTERPRISE);
    Await.until(
        "the alert given up",
        () -> crm.ruleActions("acc-hookless").equals(List.of("SEND_ALERT DEAD_LETTERED")));
    slack.faults().clear();
    assertFalse(logs.text().contains(HOOK_SECRET), "a log line holds the webhook URL");
    assertFalse(logs.text().contains(SECRET), "a log line holds the client secret");
  }

  @Test
  @Order(7)
  void theCountersAreOnTheMetricsEndpoint() throws Exception {
    HttpResponse<String> metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + crm.app.httpPort() + "/observe/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    String text = metrics.body();
    assertTrue(
        counted(text, "crm_records_total", "outcome=\"written\"", "provider=\"salesforce\""));
    assertTrue(counted(text, "crm_requests_total", "provider=\"salesforce\"", "status=\"200\""));
    assertTrue(counted(text, "crm_requests_total", "provider=\"alert_webhook\"", "status=\"503\""));
    assertTrue(counted(text, "crm_request_retries_total", "provider=\"alert_webhook\""));
    assertTrue(
        counted(
            text,
            "crm_rule_actions_total",
            "outcome=\"dead_lettered\"",
            "type=\"SEND_ALERT\"",
            "provider=\"salesforce\""));
    assertTrue(counted(text, "crm_rule_actions_total", "outcome=\"done\"", "type=\"CREATE_TASK\""));
  }

  @Test
  @Order(8)
  void aFlagRuleNamesAFieldAndAnEnrolmentItsCampaign() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                crm.stub.createWorkflowRule(
                    CreateWorkflowRuleRequest.newBuilder()
                        .setRule(
                            WorkflowRule.newBuilder()
                                .setConnectionId(connectionId)
                                .setName("broken actions")
                                .setEnabled(true)
                                .setCondition(RuleCondition.newBuilder().setScoreAbove(50))
                                .addActions(
                                    RuleAction.newBuilder()
                                        .setType(ActionType.ACTION_TYPE_FLAG_REVIEW)
                                        .setTarget("Review flag!"))
                                .addActions(
                                    RuleAction.newBuilder()
                                        .setType(ActionType.ACTION_TYPE_ENROLL_CAMPAIGN)))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("rule.actions[0].target", "rule.actions[1].target"), ViolatedFields.of(e));
  }

  @Test
  @Order(9)
  void aTaskSalesforceRefusesInABatchIsDeadLetteredWithItsMessageAloneAndReplayedOnce() {
    List<String> accounts = List.of("acc-batch-0", "acc-batch-1", "acc-batch-2", "acc-batch-3");
    accounts.forEach(a -> scored(a, 50, ExpansionType.EXPANSION_TYPE_SEAT_ADD));
    String refusal = "Tasks on this account are locked by a validation rule";
    sf.rejectRecord(accountId("acc-batch-2"), refusal);
    accounts.forEach(
        a ->
            crm.scoring.publish(
                FakeScoring.score(a, 58, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 250_000L)));
    Await.until(
        "three tasks created and the refused one given up",
        () ->
            accounts.stream()
                .allMatch(
                    a ->
                        crm.ruleActions(a)
                            .equals(
                                List.of(
                                    a.equals("acc-batch-2")
                                        ? "CREATE_TASK DEAD_LETTERED"
                                        : "CREATE_TASK DONE"))));
    RuleActionResult dead = taskOf("acc-batch-2");
    assertEquals(refusal, dead.getDetail(), "the dead letter keeps Salesforce's own message");
    assertEquals(3, dead.getAttempts());
    assertEquals(0, tasksOn("acc-batch-2"));
    for (String a : List.of("acc-batch-0", "acc-batch-1", "acc-batch-3")) {
      assertEquals(1, tasksOn(a), a);
    }

    sf.clearRejections();
    crm.stub.replayRuleActions(
        ReplayRuleActionsRequest.newBuilder()
            .setConnectionId(connectionId)
            .addActionKeys(dead.getActionKey())
            .setActor("revops@example.com")
            .build());
    Await.until(
        "the replayed task created",
        () -> taskOf("acc-batch-2").getStatus() == RuleActionStatus.RULE_ACTION_STATUS_DONE);
    assertEquals(1, tasksOn("acc-batch-2"), "one task after the replay");
  }

  static RuleActionResult taskOf(String accountId) {
    return crm
        .stub
        .listRuleActions(
            ListRuleActionsRequest.newBuilder()
                .setConnectionId(connectionId)
                .setAccountId(accountId)
                .build())
        .getActionsList()
        .stream()
        .filter(a -> a.getType() == ActionType.ACTION_TYPE_CREATE_TASK)
        .findFirst()
        .orElseThrow();
  }

  static long tasksOn(String accountId) {
    return sf.records("Task").stream()
        .filter(t -> accountId(accountId).equals(t.get("WhatId")))
        .count();
  }

  /** True when the Prometheus text has a sample of {@code name} with these labels above zero. */
  static boolean counted(String text, String name, String... labels) {
    return text.lines()
        .filter(l -> l.startsWith(name + "{"))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .anyMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0);
  }

  /** A score with two active signals that became active at {@code first} and {@code second}. */
  static Score twoSignals(String accountId, int score, Instant first, Instant second) {
    Score base =
        FakeScoring.score(accountId, score, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 100_000L);
    return base.toBuilder()
        .setSignals(
            0,
            base.getSignals(0).toBuilder()
                .setSince(Timestamp.newBuilder().setSeconds(first.getEpochSecond())))
        .addSignals(
            Signal.newBuilder()
                .setAccountId(accountId)
                .setType(SignalType.SIGNAL_TYPE_POWER_USER_EMERGENCE)
                .setStatus(SignalStatus.SIGNAL_STATUS_ACTIVE)
                .setSince(Timestamp.newBuilder().setSeconds(second.getEpochSecond()))
                .setExpansionType(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE)
                .addEvidence(
                    EvidenceItem.newBuilder()
                        .setMetric("power_users")
                        .setValue("4")
                        .setDescription("4 users active on 20 of the last 28 days")))
        .build();
  }
}
