package dev.headroom.crm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.CreateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.GetConnectionRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.PreviewSyncRequest;
import dev.headroom.api.crm.v1.RuleAction;
import dev.headroom.api.crm.v1.RuleCondition;
import dev.headroom.api.crm.v1.UpdateConnectionRequest;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API over HTTP JSON on 127.0.0.1, next to the same API over gRPC (TCP): a RevOps admin
 * can do everything with curl, secrets never come back, and a mistake gets the same answer over
 * both transports.
 */
class CrmHttpApiTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String SECRET = "sf-secret-http-7c2e-never-returned";
  static final String ROTATED = "sf-secret-http-rotated-91ab";
  static final String MATCH = "Headroom_Account_Id__c";
  static final String ADMIN = "revops@acme.example";
  static final ObjectMapper JSON = new ObjectMapper();

  static FakeScoring scoring;
  static Server scoringServer;
  static SalesforceStandin sf;
  static CrmApp app;
  static ManagedChannel channel;
  static CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub stub;
  static HttpClient http;
  static final List<String> bodies = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    scoring = new FakeScoring();
    String scoringName = "fake-scoring-" + UUID.randomUUID();
    scoringServer = InProcessServerBuilder.forName(scoringName).addService(scoring).build().start();
    sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    app =
        CrmApp.start(
            Apps.config(PG.database(), "in-process:" + scoringName), Clock.systemUTC(), null, true);
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", app.host().grpcPort()).usePlaintext().build();
    stub = CrmConnectorServiceGrpc.newBlockingStub(channel);
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
    scoringServer.shutdownNow();
    sf.close();
  }

  @Test
  void anAdminDoesEverythingOverHttpAndSecretsNeverComeBack() throws Exception {
    JsonNode created =
        ok(
            post(
                "/v1/connections:create",
                """
                {"connection": {"provider": "CRM_PROVIDER_SALESFORCE", "displayName": "Production",
                  "baseUrl": "%s", "matchField": "%s", "enabled": true, "dryRun": true,
                  "debounce": "0s",
                  "credentials": {"clientId": "headroom-app", "clientSecret": "%s"}},
                 "actor": "%s", "requestId": "http-create-1"}
                """
                    .formatted(sf.baseUrl(), MATCH, SECRET, ADMIN)));
    String id = created.at("/connection/connectionId").asText();
    assertTrue(created.at("/connection/credentialsSet").asBoolean());
    assertFalse(created.at("/connection").has("credentials"));
    assertEquals(id, ok(get("/v1/connections/" + id)).at("/connection/connectionId").asText());
    assertTrue(
        ok(get("/v1/connections"))
            .get("connections")
            .findValuesAsText("connectionId")
            .contains(id));
    // Everything but what the seed rules need and this org lacks (a campaign, a webhook) works.
    JsonNode tested = ok(post("/v1/connections:test", idBody(id)));
    List<String> failing = new ArrayList<>();
    tested
        .get("checks")
        .forEach(
            c -> {
              if (!c.path("passed").asBoolean()) {
                failing.add(c.get("name").asText());
              }
            });
    assertEquals(List.of("campaign Self-serve expansion", "alert webhook"), failing);

    // Mappings: the seeds' seven, replaced by six plus a renamed picklist value.
    JsonNode mappings = ok(get("/v1/connections/" + id + "/field-mappings")).get("mappings");
    assertEquals(7, mappings.size());
    ObjectNode replace = JSON.createObjectNode().put("connectionId", id).put("actor", ADMIN);
    var list = replace.putArray("mappings");
    for (JsonNode m : mappings) {
      if (!m.get("source").asText().equals("SOURCE_FIELD_LAST_SIGNAL_DATE")) {
        list.add(m);
      }
    }
    ((ObjectNode) list.get(1)).putObject("valueMap").put("SEAT_ADD", "Seats");
    JsonNode replaced = ok(post("/v1/field-mappings:update", replace.toString())).get("mappings");
    assertEquals(6, replaced.size());
    assertEquals("SOURCE_FIELD_EXPANSION_TYPE", replaced.at("/1/source").asText());
    assertEquals("Seats", replaced.at("/1/valueMap/SEAT_ADD").asText(), replaced.toString());

    // Rules: the seeds' four; one created, updated and deleted.
    assertEquals(4, ok(get("/v1/connections/" + id + "/workflow-rules")).get("rules").size());
    JsonNode rule =
        ok(post(
                "/v1/workflow-rules:create",
                """
                {"rule": {"connectionId": "%s", "name": "Enterprise review", "enabled": true,
                  "condition": {"scoreAbove": 50, "primaryTypes": ["EXPANSION_TYPE_ENTERPRISE"]},
                  "actions": [{"type": "ACTION_TYPE_CREATE_TASK", "target": "Review"}]},
                 "actor": "%s"}
                """
                    .formatted(id, ADMIN)))
            .get("rule");
    String ruleId = rule.get("ruleId").asText();
    ((ObjectNode) rule).put("name", "Enterprise deep review");
    JsonNode updated =
        ok(
            post(
                "/v1/workflow-rules:update",
                JSON.createObjectNode()
                    .put("expectedVersion", rule.get("version").asText())
                    .put("actor", ADMIN)
                    .set("rule", rule)
                    .toString()));
    assertEquals("Enterprise deep review", updated.at("/rule/name").asText());
    ok(
        post(
            "/v1/workflow-rules:delete",
            "{\"ruleId\": \"%s\", \"actor\": \"%s\"}".formatted(ruleId, ADMIN)));
    assertEquals(4, ok(get("/v1/connections/" + id + "/workflow-rules")).get("rules").size());

    // A dry run writes nothing: the preview shows the change, the same as over gRPC.
    scoring.publish(
        FakeScoring.score("acc-1", 70, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 9_900));
    Await.until("score stored", () -> app.followerPosition() == scoring.lastCursor());
    JsonNode preview = ok(post("/v1/syncs:preview", idBody(id)));
    assertEquals("1", preview.get("totalChanges").asText());
    assertEquals("acc-1", preview.at("/changes/0/accountId").asText());
    assertEquals(
        JSON.readTree(
            JsonFormat.printer()
                .alwaysPrintFieldsWithNoPresence()
                .print(
                    stub.previewSync(PreviewSyncRequest.newBuilder().setConnectionId(id).build()))),
        preview);
    assertEquals(0, sf.recordCount("Account"));

    // Live: credentials rotated and dry run off in one masked update, then a manual sync.
    String version = ok(get("/v1/connections/" + id)).at("/connection/version").asText();
    sf.close();
    sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", ROTATED, "");
    sf.withHeadroomFields();
    sf.start();
    ok(
        post(
            "/v1/connections:update",
            """
            {"connection": {"connectionId": "%s", "dryRun": false, "baseUrl": "%s",
              "credentials": {"clientId": "headroom-app", "clientSecret": "%s"}},
             "updateMask": "dryRun,baseUrl,credentials", "expectedVersion": "%s", "actor": "%s"}
            """
                .formatted(id, sf.baseUrl(), ROTATED, version, ADMIN)));
    JsonNode run =
        ok(post(
                "/v1/syncs:trigger",
                "{\"connectionId\": \"%s\", \"actor\": \"%s\"}".formatted(id, ADMIN)))
            .get("run");
    String runId = run.get("runId").asText();
    Await.until("acc-1 in Salesforce", () -> sf.record("Account", MATCH, "acc-1").isPresent());
    assertEquals(
        0,
        new BigDecimal(70)
            .compareTo(
                (BigDecimal)
                    sf.record("Account", MATCH, "acc-1")
                        .orElseThrow()
                        .get("Expansion_Readiness_Score__c")));
    Await.until(
        "run finished",
        () -> {
          try {
            for (JsonNode r : ok(get("/v1/connections/" + id + "/sync-runs")).get("runs")) {
              if (r.get("runId").asText().equals(runId)) {
                return r.has("finishedAt");
              }
            }
            return false;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    JsonNode records = ok(get("/v1/sync-records?run_id=" + runId + "&page_size=10"));
    assertEquals("acc-1", records.at("/records/0/accountId").asText(), records.toString());
    assertEquals("RECORD_STATUS_SUCCEEDED", records.at("/records/0/status").asText());
    JsonNode deadLetters =
        ok(get("/v1/sync-records?connection_id=" + id + "&statuses=RECORD_STATUS_DEAD_LETTERED"));
    assertEquals(0, deadLetters.get("records").size());
    assertEquals(
        "SYNC_TRIGGER_REPLAY",
        ok(post(
                "/v1/sync-records:replay",
                "{\"connectionId\": \"%s\", \"actor\": \"%s\"}".formatted(id, ADMIN)))
            .at("/run/trigger")
            .asText());

    // Paged audit trail: who did what, never a value.
    Set<String> actions = new TreeSet<>();
    String token = "";
    do {
      JsonNode page =
          ok(get("/v1/audit-entries?target_id=" + id + "&page_size=3&page_token=" + token));
      for (JsonNode e : page.get("entries")) {
        assertEquals(ADMIN, e.get("actor").asText(), e.toString());
        actions.add(e.get("action").asText());
      }
      token = page.get("nextPageToken").asText();
    } while (!token.isEmpty());
    assertEquals(
        Set.of(
            "connection.create",
            "mappings.update",
            "rule.create",
            "rule.update",
            "rule.delete",
            "connection.update",
            "sync.trigger",
            "records.replay"),
        actions);

    ok(
        post(
            "/v1/connections:delete",
            "{\"connectionId\": \"%s\", \"actor\": \"%s\"}".formatted(id, ADMIN)));
    HttpResponse<String> gone = get("/v1/connections/" + id);
    assertEquals(404, gone.statusCode());
    assertEquals("NOT_FOUND", JSON.readTree(gone.body()).at("/error/status").asText());

    for (String body : bodies) {
      assertFalse(body.contains(SECRET) || body.contains(ROTATED), body);
    }
  }

  @Test
  void mistakesAre400sNamingTheFieldAnd404And409AndNever500() throws Exception {
    HttpResponse<String> missing =
        post(
            "/v1/connections:create", "{\"connection\": {\"provider\": \"CRM_PROVIDER_HUBSPOT\"}}");
    assertEquals(400, missing.statusCode());
    List<String> fields =
        JSON.readTree(missing.body()).at("/error/field_violations").findValuesAsText("field");
    assertTrue(
        fields.containsAll(
            List.of(
                "connection.display_name",
                "connection.base_url",
                "connection.match_field",
                "connection.credentials.access_token")),
        fields.toString());

    assertField(
        post("/v1/connections:create", "{\"connection\": {\"colour\": \"red\"}}"),
        "connection.colour");
    assertField(
        post("/v1/connections:create", "{\"connection\": {\"enabled\": \"yes\"}}"),
        "connection.enabled");
    assertField(
        post("/v1/connections:create", "{\"connection\": {\"debounce\": \"half a minute\"}}"),
        "connection.debounce");
    assertField(
        post(
            "/v1/connections:create",
            "{\"connection\": {\"provider\": \"CRM_PROVIDER_PIPEDRIVE\"}}"),
        "connection.provider");
    assertField(
        post(
            "/v1/field-mappings:update",
            "{\"connectionId\": \"c\", \"mappings\": [{\"source\": 3}, 7]}"),
        "mappings[1]");
    assertField(get("/v1/connections/con-x/sync-runs?page_size=many"), "page_size");
    assertField(get("/v1/connections/con-x/sync-runs?page_size=1&page_size=2"), "page_size");
    assertField(get("/v1/audit-entries?colour=red"), "colour");
    assertEquals(400, post("/v1/syncs:trigger", "[1, 2]").statusCode());
    assertEquals(400, post("/v1/syncs:trigger", "{\"connectionId\": ").statusCode());

    assertEquals(404, get("/v1/connections/con-none").statusCode());
    assertEquals(404, get("/v1/connections/con-none/workflow-rules").statusCode());

    String create =
        """
        {"connection": {"provider": "CRM_PROVIDER_HUBSPOT", "displayName": "%s",
          "baseUrl": "https://api.hubapi.com", "matchField": "headroom_account_id",
          "credentials": {"accessToken": "pat-na1-secret"}}, "requestId": "http-409"}
        """;
    assertEquals(200, post("/v1/connections:create", create.formatted("HubSpot")).statusCode());
    HttpResponse<String> conflict = post("/v1/connections:create", create.formatted("Other"));
    assertEquals(409, conflict.statusCode());
    assertEquals("ALREADY_EXISTS", JSON.readTree(conflict.body()).at("/error/status").asText());

    HttpResponse<String> wrongMethod = get("/v1/connections:create");
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("POST", wrongMethod.headers().firstValue("allow").orElse(""));
    HttpResponse<String> deleteVerb =
        http.send(
            HttpRequest.newBuilder(uri("/v1/connections")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, deleteVerb.statusCode());
    assertEquals("GET", deleteVerb.headers().firstValue("allow").orElse(""));
  }

  @Test
  void theSameMistakeGetsTheSameAnswerOverGrpcAndHttp() throws Exception {
    String id =
        stub.createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(
                        Connection.newBuilder()
                            .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
                            .setDisplayName("Twin")
                            .setBaseUrl(sf.baseUrl())
                            .setMatchField(MATCH)
                            .setCredentials(
                                Credentials.newBuilder()
                                    .setClientId("headroom-app")
                                    .setClientSecret(SECRET)))
                    .setRequestId("twin-1")
                    .build())
            .getConnection()
            .getConnectionId();
    Connection plainHttp =
        Connection.newBuilder()
            .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
            .setDisplayName("Plain")
            .setBaseUrl("http://crm.example.com")
            .setMatchField(MATCH)
            .setCredentials(Credentials.newBuilder().setClientId("a").setClientSecret("b"))
            .build();
    WorkflowRule tooHigh =
        WorkflowRule.newBuilder()
            .setConnectionId(id)
            .setName("Over the top")
            .setCondition(RuleCondition.newBuilder().setScoreAbove(101))
            .addActions(RuleAction.newBuilder().setType(ActionType.ACTION_TYPE_SEND_ALERT))
            .build();

    sameAnswer(
        "/v1/connections:create",
        CreateConnectionRequest.newBuilder().setConnection(plainHttp).build(),
        r -> stub.createConnection((CreateConnectionRequest) r));
    sameAnswer(
        "/v1/connections:create",
        CreateConnectionRequest.newBuilder()
            .setConnection(plainHttp.toBuilder().setBaseUrl(sf.baseUrl()).setDisplayName("Twin 2"))
            .setRequestId("twin-1")
            .build(),
        r -> stub.createConnection((CreateConnectionRequest) r));
    sameAnswer(
        "/v1/workflow-rules:create",
        CreateWorkflowRuleRequest.newBuilder().setRule(tooHigh).build(),
        r -> stub.createWorkflowRule((CreateWorkflowRuleRequest) r));
    sameAnswer(
        "/v1/connections:update",
        UpdateConnectionRequest.newBuilder()
            .setConnection(Connection.newBuilder().setConnectionId(id).setDisplayName("Renamed"))
            .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
            .setExpectedVersion(99)
            .build(),
        r -> stub.updateConnection((UpdateConnectionRequest) r));
    sameAnswer(
        "/v1/connections:update",
        UpdateConnectionRequest.newBuilder()
            .setConnection(
                Connection.newBuilder()
                    .setConnectionId(id)
                    .setDebounce(Duration.newBuilder().setSeconds(7200)))
            .setUpdateMask(FieldMask.newBuilder().addPaths("debounce"))
            .build(),
        r -> stub.updateConnection((UpdateConnectionRequest) r));
    sameAnswerToGet(
        "/v1/connections/con-none",
        () ->
            stub.getConnection(
                GetConnectionRequest.newBuilder().setConnectionId("con-none").build()));
    sameAnswerToGet(
        "/v1/sync-records?page_size=5",
        () -> stub.listSyncRecords(ListSyncRecordsRequest.newBuilder().setPageSize(5).build()));
    sameAnswerToGet(
        "/v1/connections/" + id + "/sync-runs?page_size=-1",
        () ->
            stub.listSyncRuns(
                ListSyncRunsRequest.newBuilder().setConnectionId(id).setPageSize(-1).build()));
    sameAnswerToGet(
        "/v1/connections/" + id + "/sync-runs?page_token=not-a-token",
        () ->
            stub.listSyncRuns(
                ListSyncRunsRequest.newBuilder()
                    .setConnectionId(id)
                    .setPageToken("not-a-token")
                    .build()));
  }

  /** The request sent as JSON over HTTP and as proto over gRPC gets the same error. */
  static void sameAnswer(String path, Message request, java.util.function.Function<Message, ?> grpc)
      throws Exception {
    HttpResponse<String> overHttp = post(path, JsonFormat.printer().print(request));
    StatusRuntimeException overGrpc =
        assertThrows(StatusRuntimeException.class, () -> grpc.apply(request));
    assertEquals(render(overGrpc), fromHttp(overHttp), path + " " + overHttp.body());
  }

  static void sameAnswerToGet(String pathAndQuery, Supplier<?> grpc) throws Exception {
    HttpResponse<String> overHttp = get(pathAndQuery);
    StatusRuntimeException overGrpc = assertThrows(StatusRuntimeException.class, grpc::get);
    assertEquals(render(overGrpc), fromHttp(overHttp), pathAndQuery + " " + overHttp.body());
  }

  /** What a gRPC client sees: code, message, ErrorInfo reason and metadata, field violations. */
  static JsonNode render(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    ObjectNode out = JSON.createObjectNode();
    out.put("status", io.grpc.Status.fromCodeValue(s.getCode()).getCode().name());
    out.put("message", s.getMessage());
    var violations = out.putArray("field_violations");
    for (Any d : s.getDetailsList()) {
      if (d.is(ErrorInfo.class)) {
        ErrorInfo info = d.unpack(ErrorInfo.class);
        out.put("reason", info.getReason());
        ObjectNode metadata = out.putObject("metadata");
        info.getMetadataMap().forEach(metadata::put);
      } else if (d.is(BadRequest.class)) {
        d.unpack(BadRequest.class)
            .getFieldViolationsList()
            .forEach(
                v ->
                    violations
                        .addObject()
                        .put("field", v.getField())
                        .put("description", v.getDescription()));
      }
    }
    return out;
  }

  static JsonNode fromHttp(HttpResponse<String> r) throws Exception {
    assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.body());
    JsonNode error = JSON.readTree(r.body()).get("error");
    ObjectNode out = JSON.createObjectNode();
    out.put("status", error.get("status").asText());
    out.put("message", error.get("message").asText());
    out.set(
        "field_violations",
        error.has("field_violations") ? error.get("field_violations") : JSON.createArrayNode());
    out.put("reason", error.get("reason").asText());
    out.set("metadata", error.get("metadata"));
    return out;
  }

  static void assertField(HttpResponse<String> r, String field) throws Exception {
    assertEquals(400, r.statusCode(), r.body());
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertEquals("INVALID_ARGUMENT", error.get("status").asText());
    assertTrue(error.get("field_violations").findValuesAsText("field").contains(field), r.body());
  }

  static String idBody(String id) {
    return "{\"connection_id\": \"" + id + "\"}";
  }

  static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.host().httpPort() + path);
  }

  static HttpResponse<String> get(String path) throws Exception {
    return record(
        http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()));
  }

  static HttpResponse<String> post(String path, String json) throws Exception {
    return record(
        http.send(
            HttpRequest.newBuilder(uri(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  static HttpResponse<String> record(HttpResponse<String> r) {
    synchronized (bodies) {
      bodies.add(r.body());
    }
    return r;
  }
}
