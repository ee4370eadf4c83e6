package dev.headroom.crm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.Timestamps;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.ListAuditEntriesRequest;
import dev.headroom.api.crm.v1.ListRuleActionsRequest;
import dev.headroom.api.crm.v1.ListRuleActionsResponse;
import dev.headroom.api.crm.v1.ReplayRuleActionsRequest;
import dev.headroom.api.crm.v1.RuleActionResult;
import dev.headroom.api.crm.v1.RuleActionStatus;
import dev.headroom.crm.standin.FaultScript;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.standin.WebhookStandin;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.ViolatedFields;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An admin finds the rule actions that failed, with the webhook's own answer, and replays them once
 * the cause is fixed: over gRPC and over the HTTP JSON routes, against the Salesforce and webhook
 * stand-ins.
 */
class RuleActionAdminTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String SECRET = "sf-actions-secret";
  static final String MATCH = "Headroom_Account_Id__c";
  static final String ADMIN = "revops@acme.example";
  static final ObjectMapper JSON = new ObjectMapper();

  static SalesforceStandin sf;
  static WebhookStandin slack;
  static Connector crm;
  static HttpClient http;
  static String connectionId;

  @BeforeAll
  static void start() throws Exception {
    sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    slack = new WebhookStandin(Clock.systemUTC(), "hook-actions");
    slack.start();
    crm = new Connector(PG.database());
    http = HttpClient.newHttpClient();
    connectionId =
        crm.stub
            .createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(
                        Connector.salesforce(sf.baseUrl(), "headroom-app", SECRET)
                            .mergeCredentials(
                                Credentials.newBuilder().setAlertWebhookUrl(slack.url()).build()))
                    .setActor(ADMIN)
                    .build())
            .getConnection()
            .getConnectionId();
  }

  @AfterAll
  static void stop() {
    http.close();
    crm.close();
    sf.close();
    slack.close();
  }

  /** Cools the account down, then makes it urgent: the seeds' alert rule fires once. */
  static void urgent(String accountId) {
    for (int score : List.of(50, 92)) {
      crm.scoring.publish(
          FakeScoring.score(accountId, score, ExpansionType.EXPANSION_TYPE_ENTERPRISE, 250_000L));
      Await.until(
          accountId + " at " + score + " in Salesforce",
          () ->
              sf.record("Account", MATCH, accountId)
                  .map(
                      a ->
                          new BigDecimal(score)
                                  .compareTo((BigDecimal) a.get("Expansion_Readiness_Score__c"))
                              == 0)
                  .orElse(false));
    }
  }

  /** The account's alert is refused by the webhook until it is dead-lettered. */
  static void alertGivenUp(String accountId) {
    slack.faults().then(new FaultScript.Fault(404, 0, "text/plain", "no_service"), 20);
    urgent(accountId);
    Await.until(
        "the alert given up",
        () -> crm.ruleActions(accountId).equals(List.of("SEND_ALERT DEAD_LETTERED")));
    slack.faults().clear();
  }

  static ListRuleActionsRequest.Builder actionsOf(String accountId) {
    return ListRuleActionsRequest.newBuilder()
        .setConnectionId(connectionId)
        .setAccountId(accountId);
  }

  static RuleActionResult alertOf(String accountId) {
    return crm.stub.listRuleActions(actionsOf(accountId).build()).getActionsList().stream()
        .filter(a -> a.getType() == ActionType.ACTION_TYPE_SEND_ALERT)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aDeadLetteredAlertIsListedWithTheWebhooksAnswerAndReplayedOverGrpc() {
    alertGivenUp("acc-grpc");

    ListRuleActionsResponse dead =
        crm.stub.listRuleActions(
            actionsOf("acc-grpc")
                .addStatuses(RuleActionStatus.RULE_ACTION_STATUS_DEAD_LETTERED)
                .build());
    assertEquals(1, dead.getActionsCount());
    RuleActionResult alert = dead.getActions(0);
    assertEquals(ActionType.ACTION_TYPE_SEND_ALERT, alert.getType());
    assertEquals(3, alert.getAttempts());
    assertTrue(alert.getDetail().contains("answered HTTP 404"), alert.getDetail());
    assertEquals("acc-grpc", alert.getAccountId());
    assertEquals(
        0,
        crm.stub
            .listRuleActions(
                actionsOf("acc-grpc").addStatuses(RuleActionStatus.RULE_ACTION_STATUS_DONE).build())
            .getActionsCount());

    List<RuleActionResult> replayed =
        crm.stub
            .replayRuleActions(
                ReplayRuleActionsRequest.newBuilder()
                    .setConnectionId(connectionId)
                    .addActionKeys(alert.getActionKey())
                    .setActor(ADMIN)
                    .build())
            .getActionsList();
    assertEquals(
        List.of(alert.getActionKey()),
        replayed.stream().map(RuleActionResult::getActionKey).toList());
    Await.until("the replayed alert", () -> slack.about("acc-grpc").size() == 1);
    Await.until(
        "the alert done",
        () -> alertOf("acc-grpc").getStatus() == RuleActionStatus.RULE_ACTION_STATUS_DONE);
    assertEquals(1, alertOf("acc-grpc").getAttempts());

    assertTrue(
        crm
            .stub
            .listAuditEntries(
                ListAuditEntriesRequest.newBuilder().setTargetId(connectionId).build())
            .getEntriesList()
            .stream()
            .anyMatch(
                e ->
                    e.getActor().equals(ADMIN)
                        && e.getAction().equals("rule_actions.replay")
                        && e.getChangedFieldsList().equals(List.of(alert.getActionKey()))));

    // Done is not replayable: it would alert twice.
    StatusRuntimeException done =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                crm.stub.replayRuleActions(
                    ReplayRuleActionsRequest.newBuilder()
                        .setConnectionId(connectionId)
                        .addActionKeys(alert.getActionKey())
                        .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, done.getStatus().getCode());
    StatusRuntimeException unknown =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                crm.stub.replayRuleActions(
                    ReplayRuleActionsRequest.newBuilder()
                        .setConnectionId(connectionId)
                        .addActionKeys("no-such-rule:acc-grpc:1:SEND_ALERT")
                        .build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
  }

  @Test
  void pagesOfActionsCoverEveryActionOnceNewestFirst() {
    for (String account : List.of("acc-page-1", "acc-page-2", "acc-page-3")) {
      urgent(account);
      Await.until(
          account + "'s alert done", () -> crm.ruleActions(account).contains("SEND_ALERT DONE"));
    }
    List<RuleActionResult> all =
        crm.stub
            .listRuleActions(
                ListRuleActionsRequest.newBuilder()
                    .setConnectionId(connectionId)
                    .setPageSize(500)
                    .build())
            .getActionsList();
    List<RuleActionResult> paged = new ArrayList<>();
    String token = "";
    do {
      ListRuleActionsResponse page =
          crm.stub.listRuleActions(
              ListRuleActionsRequest.newBuilder()
                  .setConnectionId(connectionId)
                  .setPageSize(1)
                  .setPageToken(token)
                  .build());
      assertTrue(page.getActionsCount() <= 1);
      paged.addAll(page.getActionsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    List<String> keys = all.stream().map(RuleActionResult::getActionKey).toList();
    assertEquals(keys, paged.stream().map(RuleActionResult::getActionKey).toList());
    assertEquals(keys.size(), new HashSet<>(keys).size());
    assertTrue(keys.size() >= 3, keys.toString());
    List<RuleActionResult> newestFirst = new ArrayList<>(all);
    newestFirst.sort(
        Comparator.comparing((RuleActionResult a) -> Timestamps.toNanos(a.getCreatedAt()))
            .thenComparing(RuleActionResult::getActionKey)
            .reversed());
    assertEquals(newestFirst, all);

    // A token belongs to its listing: reused with another filter it is refused.
    String firstToken =
        crm.stub
            .listRuleActions(
                ListRuleActionsRequest.newBuilder()
                    .setConnectionId(connectionId)
                    .setPageSize(1)
                    .build())
            .getNextPageToken();
    StatusRuntimeException stale =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                crm.stub.listRuleActions(
                    actionsOf("acc-page-1").setPageSize(1).setPageToken(firstToken).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, stale.getStatus().getCode());
    assertEquals(List.of("page_token"), ViolatedFields.of(stale));
  }

  @Test
  void anAdminListsAndReplaysOverHttp() throws Exception {
    alertGivenUp("acc-http");

    JsonNode dead =
        ok(
            get(
                "/v1/rule-actions?connection_id="
                    + connectionId
                    + "&account_id=acc-http&statuses=RULE_ACTION_STATUS_DEAD_LETTERED"
                    + "&statuses=RULE_ACTION_STATUS_PENDING&page_size=10"));
    assertEquals(1, dead.get("actions").size(), dead.toString());
    JsonNode alert = dead.get("actions").get(0);
    assertEquals("ACTION_TYPE_SEND_ALERT", alert.get("type").asText());
    assertTrue(alert.get("detail").asText().contains("alert_webhook_url"), alert.toString());

    // Every dead letter of the connection (none named): this one goes out again.
    JsonNode replayed =
        ok(
            post(
                "/v1/rule-actions:replay",
                "{\"connectionId\": \"%s\", \"actor\": \"%s\"}".formatted(connectionId, ADMIN)));
    assertTrue(
        replayed
            .get("actions")
            .findValuesAsText("actionKey")
            .contains(alert.get("actionKey").asText()),
        replayed.toString());
    Await.until("the replayed alert", () -> slack.about("acc-http").size() == 1);
    Await.until(
        "the alert done", () -> crm.ruleActions("acc-http").equals(List.of("SEND_ALERT DONE")));
    JsonNode again =
        ok(
            post(
                "/v1/rule-actions:replay",
                "{\"connectionId\": \"%s\", \"actor\": \"%s\"}".formatted(connectionId, ADMIN)));
    assertTrue(!again.has("actions") || again.get("actions").isEmpty(), again.toString());

    // Mistakes say which field is wrong, as over gRPC.
    HttpResponse<String> badStatus =
        get("/v1/rule-actions?connection_id=" + connectionId + "&statuses=DEAD");
    assertEquals(400, badStatus.statusCode(), badStatus.body());
    assertTrue(badStatus.body().contains("statuses"), badStatus.body());
    HttpResponse<String> noConnection = get("/v1/rule-actions?account_id=acc-http");
    assertEquals(400, noConnection.statusCode(), noConnection.body());
    assertTrue(noConnection.body().contains("connection_id"), noConnection.body());
    HttpResponse<String> blankKey =
        post(
            "/v1/rule-actions:replay",
            "{\"connectionId\": \"%s\", \"actionKeys\": [\" \"]}".formatted(connectionId));
    assertEquals(400, blankKey.statusCode(), blankKey.body());
    assertTrue(blankKey.body().contains("action_keys[0]"), blankKey.body());
    HttpResponse<String> unknownConnection =
        get(
            "/v1/rule-actions?connection_id="
                + URLEncoder.encode("con-gone", StandardCharsets.UTF_8));
    assertEquals(404, unknownConnection.statusCode(), unknownConnection.body());
    HttpResponse<String> wrongMethod = post("/v1/rule-actions", "{}");
    assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
  }

  static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + crm.app.host().httpPort() + path);
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
