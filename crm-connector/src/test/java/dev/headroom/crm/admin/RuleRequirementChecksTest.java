package dev.headroom.crm.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.ConnectionCheck;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.ListWorkflowRulesRequest;
import dev.headroom.api.crm.v1.RuleAction;
import dev.headroom.api.crm.v1.TestConnectionRequest;
import dev.headroom.api.crm.v1.TestConnectionResponse;
import dev.headroom.api.crm.v1.UpdateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.standin.StandinField;
import dev.headroom.crm.standin.WebhookStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.kit.testing.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TestConnection checks what the enabled workflow rules need (the task key field, the campaign or
 * list, the alert webhook) and says what to fix, against the Salesforce and HubSpot stand-ins; the
 * webhook is never called by a test.
 */
class RuleRequirementChecksTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String SECRET = "sf-checks-secret";
  static final String TOKEN = "pat-checks-token";
  static final ObjectMapper JSON = new ObjectMapper();

  static Connector crm;
  static WebhookStandin slack;
  static HttpClient http;
  static final List<AutoCloseable> standins = new java.util.ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    crm = new Connector(PG.database());
    slack = new WebhookStandin(Clock.systemUTC(), "hook-checks");
    slack.start();
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    crm.close();
    slack.close();
    for (AutoCloseable s : standins) {
      s.close();
    }
  }

  static SalesforceStandin salesforce() {
    SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    standins.add(sf);
    return sf;
  }

  static HubSpotStandin hubSpot() {
    HubSpotStandin hs = new HubSpotStandin(Clock.systemUTC(), TOKEN);
    hs.withHeadroomProperties();
    hs.start();
    standins.add(hs);
    return hs;
  }

  /** A disabled connection with the seeds' rules (so nothing syncs while the test looks). */
  static String connect(SalesforceStandin sf, boolean webhook) {
    Credentials.Builder credentials =
        Credentials.newBuilder().setClientId("headroom-app").setClientSecret(SECRET);
    if (webhook) {
      credentials.setAlertWebhookUrl(slack.url());
    }
    return connect(
        Connection.newBuilder()
            .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
            .setBaseUrl(sf.baseUrl())
            .setMatchField("Headroom_Account_Id__c")
            .setCredentials(credentials));
  }

  static String connect(HubSpotStandin hs) {
    return connect(
        Connection.newBuilder()
            .setProvider(CrmProvider.CRM_PROVIDER_HUBSPOT)
            .setBaseUrl(hs.baseUrl())
            .setMatchField("headroom_account_id")
            .setCredentials(
                Credentials.newBuilder().setAccessToken(TOKEN).setAlertWebhookUrl(slack.url())));
  }

  static String connect(Connection.Builder c) {
    return crm.stub
        .createConnection(
            CreateConnectionRequest.newBuilder()
                .setConnection(c.setDisplayName("Org under test").setEnabled(false))
                .setActor("revops@acme.example")
                .build())
        .getConnection()
        .getConnectionId();
  }

  static Map<String, ConnectionCheck> checks(TestConnectionResponse r) {
    Map<String, ConnectionCheck> byName = new HashMap<>();
    r.getChecksList().forEach(c -> byName.put(c.getName(), c));
    return byName;
  }

  static TestConnectionResponse test(String connectionId) {
    return crm.stub.testConnection(
        TestConnectionRequest.newBuilder().setConnectionId(connectionId).build());
  }

  static List<WorkflowRule> rulesThat(String connectionId, ActionType type) {
    return crm
        .stub
        .listWorkflowRules(
            ListWorkflowRulesRequest.newBuilder().setConnectionId(connectionId).build())
        .getRulesList()
        .stream()
        .filter(r -> r.getActionsList().stream().anyMatch(a -> a.getType() == type))
        .toList();
  }

  /** Points the seeds' enrolment rule at {@code target}. */
  static void enrollIn(String connectionId, String target) {
    WorkflowRule enrol = rulesThat(connectionId, ActionType.ACTION_TYPE_ENROLL_CAMPAIGN).get(0);
    crm.stub.updateWorkflowRule(
        UpdateWorkflowRuleRequest.newBuilder()
            .setRule(
                enrol.toBuilder()
                    .clearActions()
                    .addActions(
                        RuleAction.newBuilder()
                            .setType(ActionType.ACTION_TYPE_ENROLL_CAMPAIGN)
                            .setTarget(target)))
            .setActor("revops@acme.example")
            .build());
  }

  /** Disables every rule with an action of this type. */
  static void disableRulesThat(String connectionId, ActionType type) {
    rulesThat(connectionId, type)
        .forEach(
            r ->
                crm.stub.updateWorkflowRule(
                    UpdateWorkflowRuleRequest.newBuilder()
                        .setRule(r.toBuilder().setEnabled(false))
                        .setActor("revops@acme.example")
                        .build()));
  }

  @Test
  void aSalesforceOrgReadyForTheSeedRulesPassesWithoutTheWebhookBeingCalled() {
    SalesforceStandin sf = salesforce();
    String campaignId = sf.addCampaign("Self-serve expansion");
    String id = connect(sf, true);
    TestConnectionResponse r = test(id);
    assertTrue(r.getOk(), r.toString());
    Map<String, ConnectionCheck> checks = checks(r);
    assertTrue(checks.get("task key Headroom_Task_Key__c").getPassed());
    assertTrue(
        checks.get("campaign Self-serve expansion").getDetail().contains(campaignId), r.toString());
    assertTrue(checks.get("alert webhook").getPassed());
    assertTrue(slack.received().isEmpty(), "the test posted to the webhook");

    // The rule may name the campaign by its id as well.
    enrollIn(id, campaignId);
    assertTrue(checks(test(id)).get("campaign " + campaignId).getPassed());
  }

  @Test
  void aSalesforceOrgMissingWhatTheRulesNeedIsToldWhatToFix() {
    SalesforceStandin sf = salesforce();
    sf.object(
        "Task", List.of(StandinField.of("Subject", "string"), StandinField.of("WhatId", "id")));
    String id = connect(sf, false);
    TestConnectionResponse r = test(id);
    assertFalse(r.getOk());
    Map<String, ConnectionCheck> checks = checks(r);
    assertEquals(
        "Task has no field Headroom_Task_Key__c: create it as a Text field on Activities, or"
            + " disable the rules that create tasks",
        checks.get("task key Headroom_Task_Key__c").getDetail());
    assertEquals(
        "Salesforce has no campaign named 'Self-serve expansion': create it, or set the rule's"
            + " target to the campaign id",
        checks.get("campaign Self-serve expansion").getDetail());
    ConnectionCheck webhook = checks.get("alert webhook");
    assertFalse(webhook.getPassed());
    assertTrue(webhook.getDetail().contains("no alert_webhook_url"), webhook.getDetail());
    assertTrue(webhook.getDetail().contains("'Urgent"), webhook.getDetail());

    // A key field the integration user cannot write is named as such.
    sf.object(
        "Task",
        List.of(
            StandinField.of("Subject", "string"),
            new StandinField("Headroom_Task_Key__c", "string", List.of(), false)));
    assertEquals(
        "Headroom_Task_Key__c is read-only for the integration user: grant edit access in its"
            + " field-level security",
        checks(test(id)).get("task key Headroom_Task_Key__c").getDetail());

    // What only disabled rules need is not checked.
    disableRulesThat(id, ActionType.ACTION_TYPE_CREATE_TASK);
    disableRulesThat(id, ActionType.ACTION_TYPE_ENROLL_CAMPAIGN);
    disableRulesThat(id, ActionType.ACTION_TYPE_SEND_ALERT);
    Set<String> names = checks(test(id)).keySet();
    assertFalse(names.contains("task key Headroom_Task_Key__c"), names.toString());
    assertFalse(names.contains("campaign Self-serve expansion"), names.toString());
    assertFalse(names.contains("alert webhook"), names.toString());
  }

  @Test
  void aHubSpotPortalIsCheckedForTheTaskPropertyAndTheList() {
    HubSpotStandin hs = hubSpot();
    String listId = hs.addList("Self-serve expansion");
    String id = connect(hs);
    TestConnectionResponse r = test(id);
    assertTrue(r.getOk(), r.toString());
    assertTrue(checks(r).get("task key headroom_task_key").getPassed());
    assertTrue(
        checks(r).get("list Self-serve expansion").getDetail().contains("(" + listId + ")"),
        r.toString());

    enrollIn(id, listId);
    assertTrue(checks(test(id)).get("list " + listId).getPassed());
    enrollIn(id, "987654");
    assertEquals(
        "HubSpot has no contact list with id 987654: set the rule's target to an existing list's"
            + " id or name",
        checks(test(id)).get("list 987654").getDetail());
    enrollIn(id, "Expansion nurture");
    assertEquals(
        "HubSpot has no contact list named 'Expansion nurture': create a manual list with that"
            + " name, or set the rule's target to the list id",
        checks(test(id)).get("list Expansion nurture").getDetail());

    hs.object("tasks", List.of(StandinField.of("hs_task_subject", "string")), Set.of());
    assertEquals(
        "Tasks have no property headroom_task_key: create it as a single-line text task"
            + " property, or disable the rules that create tasks",
        checks(test(id)).get("task key headroom_task_key").getDetail());
  }

  @Test
  void theSameChecksComeOverHttp() throws Exception {
    SalesforceStandin sf = salesforce();
    String id = connect(sf, false);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + crm.app.host().httpPort() + "/v1/connections:test"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"connectionId\": \"" + id + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertFalse(body.path("ok").asBoolean());
    Map<String, JsonNode> byName = new HashMap<>();
    body.get("checks").forEach(c -> byName.put(c.get("name").asText(), c));
    assertTrue(
        byName.get("campaign Self-serve expansion").get("detail").asText().contains("create it"),
        r.body());
    assertFalse(byName.get("alert webhook").path("passed").asBoolean());
    assertTrue(byName.get("task key Headroom_Task_Key__c").get("passed").asBoolean());
  }
}
