package dev.headroom.crm.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.rpc.BadRequest;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.CreateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.DeleteWorkflowRuleRequest;
import dev.headroom.api.crm.v1.FieldMapping;
import dev.headroom.api.crm.v1.GetConnectionRequest;
import dev.headroom.api.crm.v1.GetFieldMappingsRequest;
import dev.headroom.api.crm.v1.ListAuditEntriesRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.ListWorkflowRulesRequest;
import dev.headroom.api.crm.v1.OpportunityState;
import dev.headroom.api.crm.v1.PreviewSyncRequest;
import dev.headroom.api.crm.v1.PreviewSyncResponse;
import dev.headroom.api.crm.v1.RecordStatus;
import dev.headroom.api.crm.v1.ReplayFailedRecordsRequest;
import dev.headroom.api.crm.v1.RuleAction;
import dev.headroom.api.crm.v1.RuleCondition;
import dev.headroom.api.crm.v1.SourceField;
import dev.headroom.api.crm.v1.SyncRecord;
import dev.headroom.api.crm.v1.SyncRun;
import dev.headroom.api.crm.v1.SyncRunStatus;
import dev.headroom.api.crm.v1.SyncTrigger;
import dev.headroom.api.crm.v1.TestConnectionRequest;
import dev.headroom.api.crm.v1.TestConnectionResponse;
import dev.headroom.api.crm.v1.TriggerSyncRequest;
import dev.headroom.api.crm.v1.UpdateConnectionRequest;
import dev.headroom.api.crm.v1.UpdateFieldMappingsRequest;
import dev.headroom.api.crm.v1.UpdateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.WatchOpportunitiesRequest;
import dev.headroom.api.crm.v1.WatchOpportunitiesResponse;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole connector against the Salesforce stand-in: scores arrive over WatchScores (a scripted
 * scoring-service), the engine writes them through real HTTP on 127.0.0.1, and the admin API is
 * driven through a real gRPC stub. Tests run in order on one org's state.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SalesforceSyncTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final String SECRET = "sf-secret-3f9a1c-never-in-logs";
  static final String MATCH = "Headroom_Account_Id__c";
  static final int ACCOUNTS = 250;

  static Apps.CapturedLogs logs;
  static FakeScoring scoring;
  static Server scoringServer;
  static SalesforceStandin sf;
  static CrmApp app;
  static ManagedChannel channel;
  static CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub stub;
  static String connectionId;

  @BeforeAll
  static void start() throws Exception {
    logs = Apps.CapturedLogs.install();
    scoring = new FakeScoring();
    String scoringName = "fake-scoring-" + UUID.randomUUID();
    scoringServer = InProcessServerBuilder.forName(scoringName).addService(scoring).build().start();
    sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    String crmName = "crm-" + UUID.randomUUID();
    app =
        CrmApp.start(
            Apps.config(PG.database(), "in-process:" + scoringName),
            Clock.systemUTC(),
            crmName,
            false);
    channel = InProcessChannelBuilder.forName(crmName).build();
    stub = CrmConnectorServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    app.close();
    scoringServer.shutdownNow();
    sf.close();
    logs.close();
  }

  static Connection salesforce(String name, boolean enabled) {
    return Connection.newBuilder()
        .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
        .setDisplayName(name)
        .setBaseUrl(sf.baseUrl())
        .setMatchField(MATCH)
        .setEnabled(enabled)
        .setDebounce(Duration.newBuilder().setSeconds(0))
        .setCredentials(
            Credentials.newBuilder().setClientId("headroom-app").setClientSecret(SECRET))
        .build();
  }

  static Map<String, Object> stored(String accountId) {
    return sf.record("Account", MATCH, accountId).orElseThrow();
  }

  static boolean scoreIs(String accountId, int score) {
    return sf.record("Account", MATCH, accountId)
        .map(
            r ->
                new BigDecimal(score).compareTo((BigDecimal) r.get("Expansion_Readiness_Score__c"))
                    == 0)
        .orElse(false);
  }

  static List<RecordedRequest> upserts() {
    return sf.requests().stream()
        .filter(r -> r.method().equals("PATCH") && r.path().contains("/sobjects/Account/"))
        .toList();
  }

  @Test
  @Order(1)
  void everyAccountLandsWithItsMappedValuesInBatchesOfTwoHundred() {
    for (int i = 0; i < ACCOUNTS; i++) {
      scoring.publish(
          FakeScoring.score(
              "acc-" + i,
              80,
              i % 2 == 0
                  ? ExpansionType.EXPANSION_TYPE_SEAT_ADD
                  : ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
              100_000L + i));
    }
    Await.until("scores stored", () -> app.followerPosition() == ACCOUNTS);
    connectionId =
        stub.createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(salesforce("Production org", true))
                    .setActor("revops@example.com")
                    .setRequestId("create-1")
                    .build())
            .getConnection()
            .getConnectionId();
    Await.until("all accounts in Salesforce", () -> sf.recordCount("Account") == ACCOUNTS);
    Await.until("run finished", () -> runs().stream().allMatch(r -> r.hasFinishedAt()));

    assertEquals(List.of(200, 50), upserts().stream().map(r -> r.records().size()).toList());
    for (int i = 0; i < ACCOUNTS; i++) {
      Map<String, Object> a = stored("acc-" + i);
      assertEquals(
          0, new BigDecimal(80).compareTo((BigDecimal) a.get("Expansion_Readiness_Score__c")));
      assertEquals(i % 2 == 0 ? "Seat Add" : "Tier Upgrade", a.get("Expansion_Type__c"));
      assertEquals(
          0,
          BigDecimal.valueOf(100_000L + i, 2)
              .compareTo((BigDecimal) a.get("Expansion_ARR_Potential__c")));
      assertEquals("Self-serve", a.get("Recommended_Action__c"));
      assertEquals("2026-11-02T10:15:30.000Z", a.get("Last_Signal_Date__c"));
      assertEquals(
          "SEAT_UTILIZATION_HIGH: 17 of 20 seats used (85%) >= 80%", a.get("Expansion_Signals__c"));
    }
    SyncRun run = runs().get(0);
    assertEquals(SyncTrigger.SYNC_TRIGGER_SCHEDULED_RECONCILE, run.getTrigger());
    assertEquals(SyncRunStatus.SYNC_RUN_STATUS_SUCCEEDED, run.getStatus());
    assertEquals(ACCOUNTS, run.getRecordsSucceeded());
    // The OAuth token request, two Account upserts, the owners of each Opportunity batch's accounts
    // (for the rule that assigns opportunities: one query per batch, its IN list well within the
    // URI limit) and two Opportunity upserts.
    assertEquals(7, run.getApiCalls());
  }

  @Test
  @Order(2)
  void aSecondSyncSendsNothing() {
    sf.clearRequests();
    SyncRun run =
        stub.triggerSync(
                TriggerSyncRequest.newBuilder()
                    .setConnectionId(connectionId)
                    .setActor("revops@example.com")
                    .build())
            .getRun();
    Await.until("manual run finished", () -> finished(run.getRunId()).hasFinishedAt());
    SyncRun done = finished(run.getRunId());
    assertEquals(ACCOUNTS, done.getRecordsSkipped());
    assertEquals(0, done.getApiCalls());
    assertTrue(upserts().isEmpty());
  }

  @Test
  @Order(3)
  void aChangedScoreSendsOneUpdateWithOnlyTheChangedField() {
    sf.clearRequests();
    scoring.publish(
        FakeScoring.score("acc-7", 81, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 100_007L));
    Await.until("new score in Salesforce", () -> scoreIs("acc-7", 81));
    List<RecordedRequest> sent = upserts();
    assertEquals(1, sent.size());
    assertEquals(List.of(Set.of(MATCH, "Expansion_Readiness_Score__c")), sent.get(0).records());
  }

  @Test
  @Order(4)
  void urgentAccountsGetOneOpenOpportunityEachCarryingTheNarrative() throws Exception {
    List<Map<String, Object>> opportunities = sf.records("Opportunity");
    assertEquals(ACCOUNTS, opportunities.size());
    Map<String, Object> opp =
        sf.record("Opportunity", "Headroom_Opportunity_Key__c", "acc-4:SEAT_ADD:1").orElseThrow();
    assertEquals(sf.id("Account", MATCH, "acc-4").orElseThrow(), opp.get("AccountId"));
    assertEquals("Prospecting", opp.get("StageName"));
    assertEquals(0, new BigDecimal("1000.04").compareTo((BigDecimal) opp.get("Amount")));
    String narrative = (String) opp.get("Description");
    assertTrue(
        narrative.startsWith("Current state: readiness score 80 of 100 (Urgent)."), narrative);
    assertTrue(narrative.contains("17 of 20 seats used (85%) >= 80%"), narrative);
    assertTrue(narrative.contains("Risk of inaction"), narrative);

    List<WatchOpportunitiesResponse> opened = new java.util.ArrayList<>();
    var it =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .watchOpportunities(WatchOpportunitiesRequest.getDefaultInstance());
    while (opened.size() < ACCOUNTS && it.hasNext()) {
      opened.add(it.next());
    }
    assertEquals(ACCOUNTS, opened.size());
    assertTrue(
        opened.stream()
            .allMatch(
                o -> o.getOpportunity().getState() == OpportunityState.OPPORTUNITY_STATE_OPEN));
    assertEquals(
        ACCOUNTS, opened.stream().map(o -> o.getOpportunity().getAccountId()).distinct().count());

    // The rule fires again on a new score: still one open opportunity.
    scoring.publish(
        FakeScoring.score("acc-4", 95, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 100_004L));
    Await.until("new score in Salesforce", () -> scoreIs("acc-4", 95));
    assertEquals(ACCOUNTS, sf.records("Opportunity").size());

    // A new urgent account whose opportunity write commits in Salesforce but loses its answer:
    // the retry upserts the same key.
    sf.loseNextResponse("Opportunity");
    scoring.publish(
        FakeScoring.score("acc-new", 90, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 7_000_00L));
    Await.until(
        "the new account's opportunity",
        () ->
            sf.record("Opportunity", "Headroom_Opportunity_Key__c", "acc-new:TIER_UPGRADE:1")
                    .isPresent()
                && sf.requests().stream().filter(r -> r.status() == 503).count() >= 1
                && sf.requests().stream()
                        .filter(r -> r.path().endsWith("/Opportunity/Headroom_Opportunity_Key__c"))
                        .count()
                    >= 2);
    assertEquals(
        1,
        sf.records("Opportunity").stream()
            .filter(o -> "acc-new:TIER_UPGRADE:1".equals(o.get("Headroom_Opportunity_Key__c")))
            .count());
    assertEquals(ACCOUNTS + 1, sf.records("Opportunity").size());
  }

  @Test
  @Order(5)
  void oneRefusedRecordFailsAloneIsRetriedThenDeadLetteredAndReplayedAfterTheFix() {
    sf.clearRequests();
    sf.rejectRecord("acc-9", "Expansion score is locked by a validation rule");
    for (int i = 0; i < 200; i++) {
      scoring.publish(
          FakeScoring.score(
              "acc-" + i,
              82,
              i % 2 == 0
                  ? ExpansionType.EXPANSION_TYPE_SEAT_ADD
                  : ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
              100_000L + i));
    }
    Await.until("a dead letter", () -> !deadLetters().isEmpty());
    Await.until(
        "the others landed",
        () ->
            java.util.stream.IntStream.range(0, 200)
                .filter(i -> i != 9)
                .allMatch(i -> scoreIs("acc-" + i, 82)));
    for (int i = 0; i < 200; i++) {
      assertEquals(i != 9, scoreIs("acc-" + i, 82), "acc-" + i);
    }
    List<SyncRecord> dead = deadLetters();
    assertEquals(1, dead.size());
    SyncRecord letter = dead.get(0);
    assertEquals("acc-9", letter.getAccountId());
    assertEquals(3, letter.getAttempts());
    assertEquals("FIELD_CUSTOM_VALIDATION_EXCEPTION", letter.getErrorCode());
    assertEquals("Expansion score is locked by a validation rule", letter.getErrorMessage());
    assertEquals(
        "Expansion_Readiness_Score__c", letter.getChange().getFieldChanges(0).getCrmField());

    sf.clearRejections();
    SyncRun replay =
        stub.replayFailedRecords(
                ReplayFailedRecordsRequest.newBuilder()
                    .setConnectionId(connectionId)
                    .setActor("revops@example.com")
                    .setRequestId("replay-1")
                    .build())
            .getRun();
    assertEquals(SyncTrigger.SYNC_TRIGGER_REPLAY, replay.getTrigger());
    Await.until("replayed record landed", () -> scoreIs("acc-9", 82));
    Await.until("replay run finished", () -> finished(replay.getRunId()).hasFinishedAt());
    assertTrue(deadLetters().isEmpty());
    SyncRecord settled =
        stub.listSyncRecords(
                ListSyncRecordsRequest.newBuilder()
                    .setRunId(letter.getRunId())
                    .addStatuses(RecordStatus.RECORD_STATUS_REPLAYED)
                    .build())
            .getRecords(0);
    assertEquals(letter.getRecordId(), settled.getRecordId());
    assertEquals(SyncRunStatus.SYNC_RUN_STATUS_SUCCEEDED, finished(replay.getRunId()).getStatus());
  }

  @Test
  @Order(6)
  void anOutageLosesNothingAndDuplicatesNothing() {
    sf.faults().unavailable(8);
    for (int i = 0; i < 3; i++) {
      scoring.publish(
          FakeScoring.score(
              "acc-" + (100 + i), 90, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 100_100L + i));
    }
    Await.until(
        "every update landed after the outage",
        () -> scoreIs("acc-100", 90) && scoreIs("acc-101", 90) && scoreIs("acc-102", 90));
    Await.until(
        "nothing left to send",
        () ->
            stub.previewSync(PreviewSyncRequest.newBuilder().setConnectionId(connectionId).build())
                    .getTotalChanges()
                == 0);
    assertEquals(ACCOUNTS + 1, sf.recordCount("Account"));
    assertTrue(deadLetters().isEmpty());
    assertTrue(sf.requests().stream().filter(r -> r.status() == 503).count() >= 8);
  }

  @Test
  @Order(7)
  void previewShowsWhatWouldChangeWithoutWriting() {
    String staging =
        stub.createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(salesforce("Staging org", false))
                    .build())
            .getConnection()
            .getConnectionId();
    sf.clearRequests();
    PreviewSyncResponse preview =
        stub.previewSync(
            PreviewSyncRequest.newBuilder()
                .setConnectionId(staging)
                .addAccountIds("acc-7")
                .build());
    assertEquals(1, preview.getTotalChanges());
    var change = preview.getChanges(0);
    assertEquals("acc-7", change.getAccountId());
    assertTrue(
        change.getFieldChangesList().stream()
            .anyMatch(
                f ->
                    f.getCrmField().equals("Expansion_Readiness_Score__c")
                        && f.getOldValue().isEmpty()
                        && f.getNewValue().equals("82")));
    assertEquals(
        List.of(
            "CREATE_OPPORTUNITY", "ASSIGN_TO_OWNER", "SEND_ALERT", "CREATE_TASK Usage review call"),
        change.getActionsList());
    assertEquals(
        ACCOUNTS + 1,
        stub.previewSync(
                PreviewSyncRequest.newBuilder().setConnectionId(staging).setPageSize(5).build())
            .getTotalChanges());
    assertTrue(sf.requests().stream().noneMatch(r -> r.method().equals("PATCH")));
    assertEquals(
        0,
        stub.previewSync(PreviewSyncRequest.newBuilder().setConnectionId(connectionId).build())
            .getTotalChanges());
  }

  @Test
  @Order(8)
  void testConnectionSaysWhatWorks() {
    TestConnectionResponse result =
        stub.testConnection(
            TestConnectionRequest.newBuilder().setConnectionId(connectionId).build());
    // This org has no self-serve campaign and the connection no alert webhook: only the seed
    // rules' needs fail.
    assertEquals(
        List.of("campaign Self-serve expansion", "alert webhook"),
        result.getChecksList().stream().filter(c -> !c.getPassed()).map(c -> c.getName()).toList(),
        result.toString());
    assertTrue(
        result.getChecksList().stream()
            .anyMatch(c -> c.getName().equals("field Expansion_Type__c")));
  }

  @Test
  @Order(9)
  void secretsAreNeverReturnedLoggedOrStoredInClear() {
    Connection c =
        stub.getConnection(GetConnectionRequest.newBuilder().setConnectionId(connectionId).build())
            .getConnection();
    assertTrue(c.getCredentialsSet());
    assertFalse(c.hasCredentials());
    assertFalse(c.toString().contains(SECRET));
    Jdbi jdbi = Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
    List<String> sealed =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT credentials_sealed FROM crm.connection")
                    .mapTo(String.class)
                    .list());
    assertFalse(sealed.isEmpty());
    for (String s : sealed) {
      assertTrue(s.startsWith("k1:"), "sealed with the active key");
      assertFalse(s.contains(SECRET));
      assertFalse(
          new String(
                  java.util.Base64.getDecoder().decode(s.substring(3)),
                  java.nio.charset.StandardCharsets.ISO_8859_1)
              .contains(SECRET));
    }
    assertFalse(logs.text().isEmpty(), "logs were captured");
    assertFalse(logs.text().contains(SECRET), "a log line holds the client secret");
  }

  @Test
  @Order(10)
  void badAdminInputIsInvalidArgumentWithTheField() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.createConnection(
                    CreateConnectionRequest.newBuilder()
                        .setConnection(
                            salesforce("x", true).toBuilder()
                                .setBaseUrl("http://crm.example.com")
                                .setCredentials(Credentials.newBuilder().setClientId("a"))
                                .setMatchField("bad field"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(
        Set.of(
            "connection.base_url",
            "connection.match_field",
            "connection.credentials.client_secret"),
        Set.copyOf(violations(e)));

    List<FieldMapping> current =
        stub.getFieldMappings(
                GetFieldMappingsRequest.newBuilder().setConnectionId(connectionId).build())
            .getMappingsList();
    StatusRuntimeException mapping =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.updateFieldMappings(
                    UpdateFieldMappingsRequest.newBuilder()
                        .setConnectionId(connectionId)
                        .addAllMappings(current)
                        .addMappings(current.get(0))
                        .addMappings(
                            FieldMapping.newBuilder()
                                .setSource(SourceField.SOURCE_FIELD_READINESS_BAND)
                                .setCrmField("Band__c")
                                .setEnabled(true)
                                .putValueMap("SUPER_URGENT", "Now"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, mapping.getStatus().getCode());
    assertEquals(
        Set.of("mappings[7].source", "mappings[7].crm_field", "mappings[8].value_map"),
        Set.copyOf(violations(mapping)));

    assertEquals(
        Status.Code.NOT_FOUND,
        assertThrows(
                StatusRuntimeException.class,
                () ->
                    stub.getConnection(
                        GetConnectionRequest.newBuilder().setConnectionId("con-nope").build()))
            .getStatus()
            .getCode());
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        assertThrows(
                StatusRuntimeException.class,
                () ->
                    stub.listSyncRuns(
                        ListSyncRunsRequest.newBuilder()
                            .setConnectionId(connectionId)
                            .setPageToken("forged")
                            .build()))
            .getStatus()
            .getCode());
    assertEquals(
        Status.Code.INVALID_ARGUMENT,
        assertThrows(
                StatusRuntimeException.class,
                () ->
                    stub.updateConnection(
                        UpdateConnectionRequest.newBuilder()
                            .setConnection(Connection.newBuilder().setConnectionId(connectionId))
                            .setUpdateMask(
                                FieldMask.newBuilder().addPaths("credentials.client_secret"))
                            .build()))
            .getStatus()
            .getCode());
  }

  @Test
  @Order(11)
  void everyAdminChangeIsAuditedWithWhoAndWhat() {
    var entries =
        stub.listAuditEntries(
                ListAuditEntriesRequest.newBuilder().setTargetId(connectionId).build())
            .getEntriesList();
    assertEquals(
        List.of("records.replay", "sync.trigger", "connection.create"),
        entries.stream().map(e -> e.getAction()).toList());
    assertTrue(entries.stream().allMatch(e -> e.getActor().equals("revops@example.com")));
    assertFalse(entries.toString().contains(SECRET));
  }

  @Test
  @Order(12)
  void rulesAreAdminEditableDataWithClearErrors() {
    List<WorkflowRule> defaults =
        stub.listWorkflowRules(
                ListWorkflowRulesRequest.newBuilder().setConnectionId(connectionId).build())
            .getRulesList();
    assertEquals(4, defaults.size());
    WorkflowRule urgent = defaults.get(0);
    assertEquals(75, urgent.getCondition().getScoreAbove());
    assertEquals(ActionType.ACTION_TYPE_CREATE_OPPORTUNITY, urgent.getActions(0).getType());

    StatusRuntimeException bad =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.createWorkflowRule(
                    CreateWorkflowRuleRequest.newBuilder()
                        .setRule(
                            WorkflowRule.newBuilder()
                                .setConnectionId(connectionId)
                                .setName("broken")
                                .setCondition(
                                    RuleCondition.newBuilder().setScoreAbove(101).setMinSignals(2)))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    assertEquals(
        Set.of("rule.condition.score_above", "rule.condition.signals_within", "rule.actions"),
        Set.copyOf(violations(bad)));

    WorkflowRule created =
        stub.createWorkflowRule(
                CreateWorkflowRuleRequest.newBuilder()
                    .setRule(
                        WorkflowRule.newBuilder()
                            .setConnectionId(connectionId)
                            .setName("Enterprise: task for the AE")
                            .setEnabled(true)
                            .setCondition(
                                RuleCondition.newBuilder()
                                    .setScoreAbove(-1)
                                    .addPrimaryTypes(ExpansionType.EXPANSION_TYPE_ENTERPRISE))
                            .addActions(
                                RuleAction.newBuilder()
                                    .setType(ActionType.ACTION_TYPE_CREATE_TASK)
                                    .setTarget("Enterprise discovery call")))
                    .setActor("revops@example.com")
                    .build())
            .getRule();
    assertEquals(1, created.getVersion());
    assertEquals(
        Status.Code.FAILED_PRECONDITION,
        assertThrows(
                StatusRuntimeException.class,
                () ->
                    stub.updateWorkflowRule(
                        UpdateWorkflowRuleRequest.newBuilder()
                            .setRule(created.toBuilder().setEnabled(false))
                            .setExpectedVersion(7)
                            .build()))
            .getStatus()
            .getCode());
    WorkflowRule disabled =
        stub.updateWorkflowRule(
                UpdateWorkflowRuleRequest.newBuilder()
                    .setRule(created.toBuilder().setEnabled(false))
                    .setExpectedVersion(1)
                    .setActor("revops@example.com")
                    .build())
            .getRule();
    assertFalse(disabled.getEnabled());
    assertEquals(2, disabled.getVersion());
    stub.deleteWorkflowRule(
        DeleteWorkflowRuleRequest.newBuilder()
            .setRuleId(created.getRuleId())
            .setActor("revops@example.com")
            .build());
    assertEquals(
        4,
        stub.listWorkflowRules(
                ListWorkflowRulesRequest.newBuilder().setConnectionId(connectionId).build())
            .getRulesCount());
    assertEquals(
        List.of("rule.delete", "rule.update", "rule.create"),
        stub
            .listAuditEntries(
                ListAuditEntriesRequest.newBuilder()
                    .setTargetId(connectionId)
                    .setPageSize(3)
                    .build())
            .getEntriesList()
            .stream()
            .map(e -> e.getAction())
            .toList());
  }

  @Test
  @Order(13)
  void closedOpportunitiesBecomeOutcomesAndCloseOnTheStream() {
    // Closed won today: CloseDate is today's date, and the outcome must not be dated at midnight,
    // before a prompt the account saw earlier today.
    java.time.Instant beforeTheClose = java.time.Instant.now();
    sf.edit(
        "Opportunity",
        "Headroom_Opportunity_Key__c",
        "acc-4:SEAT_ADD:1",
        Map.of(
            "StageName",
            "Closed Won",
            "Amount",
            new BigDecimal("1500.00"),
            "CloseDate",
            java.time.LocalDate.ofInstant(beforeTheClose, java.time.ZoneOffset.UTC).toString()));
    sf.edit(
        "Opportunity",
        "Headroom_Opportunity_Key__c",
        "acc-3:TIER_UPGRADE:1",
        Map.of("StageName", "Closed Lost"));
    Await.until("two outcomes in scoring", () -> scoring.outcomes().size() == 2);
    Outcome won = scoring.outcomes().get("crm:" + connectionId + ":acc-4:SEAT_ADD:1");
    assertEquals("acc-4", won.getAccountId());
    assertEquals(OutcomeResult.OUTCOME_RESULT_WON, won.getResult());
    assertEquals(ExpansionType.EXPANSION_TYPE_SEAT_ADD, won.getExpansionType());
    assertEquals(150_000, won.getArrDelta().getMinorUnits());
    java.time.Instant datedAt =
        java.time.Instant.ofEpochSecond(
            won.getOccurredAt().getSeconds(), won.getOccurredAt().getNanos());
    assertFalse(
        datedAt.isBefore(beforeTheClose),
        "a same-day close dated " + datedAt + ", before it was closed at " + beforeTheClose);
    assertEquals("USD", won.getArrDelta().getCurrencyCode());
    assertEquals(OutcomeSource.OUTCOME_SOURCE_CRM, won.getSource());
    assertEquals(
        sf.id("Opportunity", "Headroom_Opportunity_Key__c", "acc-4:SEAT_ADD:1").orElseThrow(),
        won.getExternalRef());
    Outcome lost = scoring.outcomes().get("crm:" + connectionId + ":acc-3:TIER_UPGRADE:1");
    assertEquals(OutcomeResult.OUTCOME_RESULT_LOST, lost.getResult());
    assertEquals(0, lost.getArrDelta().getMinorUnits());

    // Opened ones come first (a changed primary type opens one of the new type), then the closes.
    List<WatchOpportunitiesResponse> closed = new java.util.ArrayList<>();
    var it =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .watchOpportunities(WatchOpportunitiesRequest.getDefaultInstance());
    while (closed.size() < 2 && it.hasNext()) {
      WatchOpportunitiesResponse next = it.next();
      if (next.getOpportunity().getState() != OpportunityState.OPPORTUNITY_STATE_OPEN) {
        closed.add(next);
      }
    }
    assertEquals(
        Set.of(
            OpportunityState.OPPORTUNITY_STATE_CLOSED_WON,
            OpportunityState.OPPORTUNITY_STATE_CLOSED_LOST),
        Set.copyOf(closed.stream().map(c -> c.getOpportunity().getState()).toList()));
    assertTrue(closed.stream().allMatch(c -> c.getOpportunity().hasClosedAt()));
  }

  static List<String> violations(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    for (Any d : status.getDetailsList()) {
      if (d.is(BadRequest.class)) {
        try {
          return d.unpack(BadRequest.class).getFieldViolationsList().stream()
              .map(BadRequest.FieldViolation::getField)
              .toList();
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return List.of();
  }

  static List<SyncRun> runs() {
    return stub.listSyncRuns(ListSyncRunsRequest.newBuilder().setConnectionId(connectionId).build())
        .getRunsList();
  }

  static SyncRun finished(String runId) {
    return runs().stream().filter(r -> r.getRunId().equals(runId)).findFirst().orElseThrow();
  }

  static List<SyncRecord> deadLetters() {
    return stub.listSyncRecords(
            ListSyncRecordsRequest.newBuilder().setConnectionId(connectionId).build())
        .getRecordsList();
  }
}
