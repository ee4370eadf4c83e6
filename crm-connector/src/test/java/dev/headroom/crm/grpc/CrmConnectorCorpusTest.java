package dev.headroom.crm.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.CreateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.DeleteConnectionRequest;
import dev.headroom.api.crm.v1.DeleteWorkflowRuleRequest;
import dev.headroom.api.crm.v1.FieldMapping;
import dev.headroom.api.crm.v1.GetConnectionRequest;
import dev.headroom.api.crm.v1.GetFieldMappingsRequest;
import dev.headroom.api.crm.v1.ListAuditEntriesRequest;
import dev.headroom.api.crm.v1.ListRuleActionsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.ListWorkflowRulesRequest;
import dev.headroom.api.crm.v1.PreviewSyncRequest;
import dev.headroom.api.crm.v1.RecordStatus;
import dev.headroom.api.crm.v1.ReplayFailedRecordsRequest;
import dev.headroom.api.crm.v1.ReplayRuleActionsRequest;
import dev.headroom.api.crm.v1.RuleAction;
import dev.headroom.api.crm.v1.RuleActionStatus;
import dev.headroom.api.crm.v1.RuleCondition;
import dev.headroom.api.crm.v1.SourceField;
import dev.headroom.api.crm.v1.TestConnectionRequest;
import dev.headroom.api.crm.v1.TriggerSyncRequest;
import dev.headroom.api.crm.v1.UpdateConnectionRequest;
import dev.headroom.api.crm.v1.UpdateFieldMappingsRequest;
import dev.headroom.api.crm.v1.UpdateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.WatchOpportunitiesRequest;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.corpus.BadInputCorpus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every RPC of the CRM connector answers generated bad input clearly (over TCP to 127.0.0.1). */
class CrmConnectorCorpusTest extends BadInputCorpus {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static final String SECRET = "corpus-secret";
  private static final String MATCH = "Headroom_Account_Id__c";

  private static FakeScoring scoring;
  private static Server scoringServer;
  private static SalesforceStandin sf;
  private static CrmApp app;
  private static ManagedChannel channel;
  private static String connectionId;
  private static String doomedConnectionId;
  private static WorkflowRule rule;
  private static String doomedRuleId;

  @BeforeAll
  static void start() throws Exception {
    scoring = new FakeScoring();
    String scoringName = "fake-scoring-" + UUID.randomUUID();
    scoringServer = InProcessServerBuilder.forName(scoringName).addService(scoring).build().start();
    scoring.publish(FakeScoring.score("acc-1", 80, ExpansionType.EXPANSION_TYPE_SEAT_ADD, 9_900));
    sf = new SalesforceStandin(Clock.systemUTC(), "headroom-app", SECRET, "");
    sf.withHeadroomFields();
    sf.start();
    app =
        CrmApp.start(
            Apps.config(PG.database(), "in-process:" + scoringName),
            Clock.systemUTC(),
            null,
            false);
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", app.host().grpcPort()).usePlaintext().build();
    var stub = CrmConnectorServiceGrpc.newBlockingStub(channel);
    connectionId =
        stub.createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(connection("Corpus org").setEnabled(true).setDryRun(true))
                    .build())
            .getConnection()
            .getConnectionId();
    doomedConnectionId =
        stub.createConnection(
                CreateConnectionRequest.newBuilder().setConnection(connection("Doomed")).build())
            .getConnection()
            .getConnectionId();
    rule =
        stub.createWorkflowRule(CreateWorkflowRuleRequest.newBuilder().setRule(rule()).build())
            .getRule();
    doomedRuleId =
        stub.createWorkflowRule(CreateWorkflowRuleRequest.newBuilder().setRule(rule()).build())
            .getRule()
            .getRuleId();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    scoringServer.shutdownNow();
    sf.close();
  }

  static Connection.Builder connection(String name) {
    return Connection.newBuilder()
        .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
        .setDisplayName(name)
        .setBaseUrl(sf.baseUrl())
        .setMatchField(MATCH)
        .setDebounce(Duration.newBuilder().setSeconds(1))
        .setReconcileInterval(Duration.newBuilder().setSeconds(3600))
        .setCredentials(
            Credentials.newBuilder().setClientId("headroom-app").setClientSecret(SECRET));
  }

  static WorkflowRule rule() {
    return WorkflowRule.newBuilder()
        .setConnectionId(connectionId)
        .setName("Tier review")
        .setEnabled(true)
        .setCondition(
            RuleCondition.newBuilder()
                .setScoreAbove(60)
                .addPrimaryTypes(ExpansionType.EXPANSION_TYPE_TIER_UPGRADE)
                .setMinSignals(2)
                .setSignalsWithin(Duration.newBuilder().setSeconds(7 * 86_400)))
        .addActions(
            RuleAction.newBuilder()
                .setType(ActionType.ACTION_TYPE_CREATE_TASK)
                .setTarget("Usage review call"))
        .build();
  }

  @Override
  protected Target target() {
    return Target.of(channel, CrmConnectorServiceGrpc.getServiceDescriptor())
        .withSeed(
            CreateConnectionRequest.newBuilder()
                .setConnection(connection("Sandbox"))
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            UpdateConnectionRequest.newBuilder()
                .setConnection(connection("Corpus org").setConnectionId(connectionId))
                .setUpdateMask(FieldMask.newBuilder().addPaths("display_name"))
                .setActor("revops@acme.example")
                .build())
        .withSeed(GetConnectionRequest.newBuilder().setConnectionId(connectionId).build())
        .withSeed(
            DeleteConnectionRequest.newBuilder()
                .setConnectionId(doomedConnectionId)
                .setActor("revops@acme.example")
                .build())
        .withSeed(TestConnectionRequest.newBuilder().setConnectionId(connectionId).build())
        .withSeed(GetFieldMappingsRequest.newBuilder().setConnectionId(connectionId).build())
        .withSeed(
            UpdateFieldMappingsRequest.newBuilder()
                .setConnectionId(connectionId)
                .addMappings(
                    FieldMapping.newBuilder()
                        .setSource(SourceField.SOURCE_FIELD_EXPANSION_TYPE)
                        .setCrmField("Expansion_Type__c")
                        .setEnabled(true)
                        .putValueMap("SEAT_ADD", "Seat Add"))
                .setActor("revops@acme.example")
                .build())
        .withSeed(ListWorkflowRulesRequest.newBuilder().setConnectionId(connectionId).build())
        .withSeed(
            CreateWorkflowRuleRequest.newBuilder()
                .setRule(rule())
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            UpdateWorkflowRuleRequest.newBuilder()
                .setRule(rule)
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            DeleteWorkflowRuleRequest.newBuilder()
                .setRuleId(doomedRuleId)
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            PreviewSyncRequest.newBuilder()
                .setConnectionId(connectionId)
                .addAccountIds("acc-1")
                .setPageSize(10)
                .build())
        .withSeed(
            TriggerSyncRequest.newBuilder()
                .setConnectionId(connectionId)
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            ListSyncRunsRequest.newBuilder().setConnectionId(connectionId).setPageSize(10).build())
        .withSeed(
            ListSyncRecordsRequest.newBuilder()
                .setConnectionId(connectionId)
                .addStatuses(RecordStatus.RECORD_STATUS_DEAD_LETTERED)
                .setPageSize(10)
                .build())
        .withSeed(
            ReplayFailedRecordsRequest.newBuilder()
                .setConnectionId(connectionId)
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            ListRuleActionsRequest.newBuilder()
                .setConnectionId(connectionId)
                .setAccountId("acc-1")
                .addStatuses(RuleActionStatus.RULE_ACTION_STATUS_DEAD_LETTERED)
                .setPageSize(10)
                .build())
        .withSeed(
            ReplayRuleActionsRequest.newBuilder()
                .setConnectionId(connectionId)
                .addActionKeys("rul-1:acc-1:1:SEND_ALERT")
                .setActor("revops@acme.example")
                .build())
        .withSeed(
            ListAuditEntriesRequest.newBuilder().setTargetId(connectionId).setPageSize(10).build())
        .withSeed(WatchOpportunitiesRequest.newBuilder().setAfterCursor(0).build());
  }
}
