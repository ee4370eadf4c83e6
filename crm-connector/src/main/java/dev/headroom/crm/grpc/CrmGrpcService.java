package dev.headroom.crm.grpc;

import com.google.protobuf.ProtocolMessageEnum;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.CreateConnectionResponse;
import dev.headroom.api.crm.v1.CreateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.CreateWorkflowRuleResponse;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.DeleteConnectionRequest;
import dev.headroom.api.crm.v1.DeleteConnectionResponse;
import dev.headroom.api.crm.v1.DeleteWorkflowRuleRequest;
import dev.headroom.api.crm.v1.DeleteWorkflowRuleResponse;
import dev.headroom.api.crm.v1.GetConnectionRequest;
import dev.headroom.api.crm.v1.GetConnectionResponse;
import dev.headroom.api.crm.v1.GetFieldMappingsRequest;
import dev.headroom.api.crm.v1.GetFieldMappingsResponse;
import dev.headroom.api.crm.v1.ListAuditEntriesRequest;
import dev.headroom.api.crm.v1.ListAuditEntriesResponse;
import dev.headroom.api.crm.v1.ListConnectionsRequest;
import dev.headroom.api.crm.v1.ListConnectionsResponse;
import dev.headroom.api.crm.v1.ListRuleActionsRequest;
import dev.headroom.api.crm.v1.ListRuleActionsResponse;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsResponse;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsResponse;
import dev.headroom.api.crm.v1.ListWorkflowRulesRequest;
import dev.headroom.api.crm.v1.ListWorkflowRulesResponse;
import dev.headroom.api.crm.v1.PreviewSyncRequest;
import dev.headroom.api.crm.v1.PreviewSyncResponse;
import dev.headroom.api.crm.v1.ReplayFailedRecordsRequest;
import dev.headroom.api.crm.v1.ReplayFailedRecordsResponse;
import dev.headroom.api.crm.v1.ReplayRuleActionsRequest;
import dev.headroom.api.crm.v1.ReplayRuleActionsResponse;
import dev.headroom.api.crm.v1.TestConnectionRequest;
import dev.headroom.api.crm.v1.TestConnectionResponse;
import dev.headroom.api.crm.v1.TriggerSyncRequest;
import dev.headroom.api.crm.v1.TriggerSyncResponse;
import dev.headroom.api.crm.v1.UpdateConnectionRequest;
import dev.headroom.api.crm.v1.UpdateConnectionResponse;
import dev.headroom.api.crm.v1.UpdateFieldMappingsRequest;
import dev.headroom.api.crm.v1.UpdateFieldMappingsResponse;
import dev.headroom.api.crm.v1.UpdateWorkflowRuleRequest;
import dev.headroom.api.crm.v1.UpdateWorkflowRuleResponse;
import dev.headroom.api.crm.v1.WatchOpportunitiesRequest;
import dev.headroom.api.crm.v1.WatchOpportunitiesResponse;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.crm.admin.Audit;
import dev.headroom.crm.admin.ConnectionAdmin;
import dev.headroom.crm.domain.ConnectionCheck;
import dev.headroom.crm.rules.RuleActions;
import dev.headroom.crm.rules.Rules;
import dev.headroom.crm.sync.OpportunityEvents;
import dev.headroom.crm.sync.SyncAdmin;
import dev.headroom.crm.sync.SyncEngine;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.validation.Limits;
import dev.headroom.kit.validation.Validation;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The gRPC edge of the connector: validates what only the edge can (ids present, enums known), maps
 * proto to domain and back, and delegates. Credentials go in, never out.
 */
public final class CrmGrpcService extends CrmConnectorServiceGrpc.CrmConnectorServiceImplBase {
  /** Long enough for any OAuth client secret, refresh token or HubSpot private-app token. */
  private static final int MAX_SECRET_CHARS = 4_096;

  /** A rule id, an account id (each an identifier), the firing number and the action type. */
  private static final int MAX_ACTION_KEY_CHARS = 2 * Limits.MAX_IDENTIFIER_CHARS + 64;

  private static final java.time.Duration MIN_DURATION = java.time.Duration.ZERO;

  private final ConnectionAdmin connections;
  private final SyncAdmin syncs;
  private final Rules rules;
  private final RuleActions ruleActions;
  private final Audit audit;
  private final OutboxWatch watch;

  public CrmGrpcService(
      ConnectionAdmin connections,
      SyncAdmin syncs,
      Rules rules,
      RuleActions ruleActions,
      Audit audit,
      OutboxWatch watch) {
    this.connections = connections;
    this.syncs = syncs;
    this.rules = rules;
    this.ruleActions = ruleActions;
    this.audit = audit;
    this.watch = watch;
  }

  @Override
  public void listWorkflowRules(
      ListWorkflowRulesRequest req, StreamObserver<ListWorkflowRulesResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    v.throwIfInvalid();
    ListWorkflowRulesResponse.Builder b = ListWorkflowRulesResponse.newBuilder();
    rules.list(req.getConnectionId()).forEach(r -> b.addRules(CrmProtos.rule(r)));
    reply(obs, b.build());
  }

  @Override
  public void createWorkflowRule(
      CreateWorkflowRuleRequest req, StreamObserver<CreateWorkflowRuleResponse> obs) {
    Validation v = Validation.of();
    v.identifier("rule.connection_id", req.getRule().getConnectionId());
    ruleFields(v.at("rule"), req.getRule());
    change(v, req.getActor(), req.getRequestId());
    v.throwIfInvalid();
    reply(
        obs,
        CreateWorkflowRuleResponse.newBuilder()
            .setRule(
                CrmProtos.rule(
                    rules.create(
                        CrmProtos.rule(req.getRule()), req.getActor(), req.getRequestId())))
            .build());
  }

  @Override
  public void updateWorkflowRule(
      UpdateWorkflowRuleRequest req, StreamObserver<UpdateWorkflowRuleResponse> obs) {
    Validation v = Validation.of();
    v.identifier("rule.rule_id", req.getRule().getRuleId());
    ruleFields(v.at("rule"), req.getRule());
    change(v, req.getActor(), "");
    v.throwIfInvalid();
    reply(
        obs,
        UpdateWorkflowRuleResponse.newBuilder()
            .setRule(
                CrmProtos.rule(
                    rules.update(
                        CrmProtos.rule(req.getRule()), req.getExpectedVersion(), req.getActor())))
            .build());
  }

  @Override
  public void deleteWorkflowRule(
      DeleteWorkflowRuleRequest req, StreamObserver<DeleteWorkflowRuleResponse> obs) {
    Validation v = Validation.of();
    v.identifier("rule_id", req.getRuleId());
    change(v, req.getActor(), "");
    v.throwIfInvalid();
    rules.delete(req.getRuleId(), req.getActor());
    reply(obs, DeleteWorkflowRuleResponse.getDefaultInstance());
  }

  @Override
  public void watchOpportunities(
      WatchOpportunitiesRequest req, StreamObserver<WatchOpportunitiesResponse> obs) {
    watch.watch(
        SyncEngine.OPPORTUNITIES_STREAM,
        req.getAfterCursor(),
        obs,
        entry ->
            WatchOpportunitiesResponse.newBuilder()
                .setCursor(entry.seq())
                .setOpportunity(CrmProtos.opportunity(OpportunityEvents.read(entry.payload())))
                .build());
  }

  @Override
  public void createConnection(
      CreateConnectionRequest req, StreamObserver<CreateConnectionResponse> obs) {
    if (!req.hasConnection()) {
      throw DomainException.InvalidArgument.of("connection", "required");
    }
    Validation v = Validation.of();
    connectionFields(v.at("connection"), req.getConnection());
    change(v, req.getActor(), req.getRequestId());
    v.throwIfInvalid();
    reply(
        obs,
        CreateConnectionResponse.newBuilder()
            .setConnection(
                CrmProtos.connection(
                    connections.create(
                        CrmProtos.input(req.getConnection()), req.getActor(), req.getRequestId())))
            .build());
  }

  @Override
  public void updateConnection(
      UpdateConnectionRequest req, StreamObserver<UpdateConnectionResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection.connection_id", req.getConnection().getConnectionId());
    connectionFields(v.at("connection"), req.getConnection());
    change(v, req.getActor(), "");
    v.throwIfInvalid();
    Set<String> mask = new LinkedHashSet<>(req.getUpdateMask().getPathsList());
    reply(
        obs,
        UpdateConnectionResponse.newBuilder()
            .setConnection(
                CrmProtos.connection(
                    connections.update(
                        req.getConnection().getConnectionId(),
                        CrmProtos.input(req.getConnection()),
                        mask,
                        req.getExpectedVersion(),
                        req.getActor())))
            .build());
  }

  @Override
  public void getConnection(GetConnectionRequest req, StreamObserver<GetConnectionResponse> obs) {
    connectionId(req.getConnectionId());
    reply(
        obs,
        GetConnectionResponse.newBuilder()
            .setConnection(CrmProtos.connection(connections.get(req.getConnectionId())))
            .build());
  }

  @Override
  public void listConnections(
      ListConnectionsRequest req, StreamObserver<ListConnectionsResponse> obs) {
    ListConnectionsResponse.Builder b = ListConnectionsResponse.newBuilder();
    connections.list().forEach(c -> b.addConnections(CrmProtos.connection(c)));
    reply(obs, b.build());
  }

  @Override
  public void deleteConnection(
      DeleteConnectionRequest req, StreamObserver<DeleteConnectionResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    change(v, req.getActor(), "");
    v.throwIfInvalid();
    connections.delete(req.getConnectionId(), req.getActor());
    reply(obs, DeleteConnectionResponse.getDefaultInstance());
  }

  @Override
  public void testConnection(
      TestConnectionRequest req, StreamObserver<TestConnectionResponse> obs) {
    connectionId(req.getConnectionId());
    List<ConnectionCheck> checks = connections.test(req.getConnectionId());
    TestConnectionResponse.Builder b =
        TestConnectionResponse.newBuilder()
            .setOk(checks.stream().allMatch(ConnectionCheck::passed));
    checks.forEach(c -> b.addChecks(CrmProtos.check(c)));
    reply(obs, b.build());
  }

  @Override
  public void getFieldMappings(
      GetFieldMappingsRequest req, StreamObserver<GetFieldMappingsResponse> obs) {
    connectionId(req.getConnectionId());
    GetFieldMappingsResponse.Builder b = GetFieldMappingsResponse.newBuilder();
    connections.mappings(req.getConnectionId()).forEach(m -> b.addMappings(CrmProtos.mapping(m)));
    reply(obs, b.build());
  }

  @Override
  public void updateFieldMappings(
      UpdateFieldMappingsRequest req, StreamObserver<UpdateFieldMappingsResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    for (int i = 0; i < req.getMappingsCount(); i++) {
      Validation m = v.at("mappings", i);
      m.text("crm_field", req.getMappings(i).getCrmField(), Limits.MAX_SHORT_TEXT_CHARS);
      req.getMappings(i)
          .getValueMapMap()
          .forEach(
              (key, value) -> {
                m.text("value_map", key, Limits.MAX_SHORT_TEXT_CHARS);
                m.text("value_map", value, Limits.MAX_SHORT_TEXT_CHARS);
              });
    }
    change(v, req.getActor(), "");
    v.throwIfInvalid();
    UpdateFieldMappingsResponse.Builder b = UpdateFieldMappingsResponse.newBuilder();
    connections
        .updateMappings(
            req.getConnectionId(),
            req.getMappingsList().stream().map(CrmProtos::mapping).toList(),
            req.getActor())
        .forEach(m -> b.addMappings(CrmProtos.mapping(m)));
    reply(obs, b.build());
  }

  @Override
  public void previewSync(PreviewSyncRequest req, StreamObserver<PreviewSyncResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    for (int i = 0; i < req.getAccountIdsCount(); i++) {
      v.identifier("account_ids[" + i + "]", req.getAccountIds(i));
    }
    v.throwIfInvalid();
    SyncAdmin.Preview preview =
        syncs.preview(req.getConnectionId(), req.getAccountIdsList(), req.getPageSize());
    PreviewSyncResponse.Builder b =
        PreviewSyncResponse.newBuilder().setTotalChanges(preview.totalChanges());
    preview.changes().forEach(c -> b.addChanges(CrmProtos.change(c)));
    reply(obs, b.build());
  }

  @Override
  public void triggerSync(TriggerSyncRequest req, StreamObserver<TriggerSyncResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    change(v, req.getActor(), req.getRequestId());
    v.throwIfInvalid();
    reply(
        obs,
        TriggerSyncResponse.newBuilder()
            .setRun(
                CrmProtos.run(
                    syncs.trigger(
                        req.getConnectionId(),
                        req.getFullReconcile(),
                        req.getActor(),
                        req.getRequestId())))
            .build());
  }

  @Override
  public void listSyncRuns(ListSyncRunsRequest req, StreamObserver<ListSyncRunsResponse> obs) {
    connectionId(req.getConnectionId());
    SyncAdmin.RunPage page =
        syncs.runs(req.getConnectionId(), req.getPageSize(), req.getPageToken());
    ListSyncRunsResponse.Builder b =
        ListSyncRunsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.runs().forEach(r -> b.addRuns(CrmProtos.run(r)));
    reply(obs, b.build());
  }

  @Override
  public void listSyncRecords(
      ListSyncRecordsRequest req, StreamObserver<ListSyncRecordsResponse> obs) {
    Validation v = Validation.of();
    v.optionalIdentifier("run_id", req.getRunId());
    v.optionalIdentifier("connection_id", req.getConnectionId());
    if (req.getRunId().isEmpty() && req.getConnectionId().isEmpty()) {
      v.fail("run_id", "give a run_id, or a connection_id for its dead letters");
      v.fail("connection_id", "give a run_id, or a connection_id for its dead letters");
    }
    Set<String> statuses = statuses(v, req.getStatusesList(), "RECORD_STATUS_");
    v.throwIfInvalid();
    SyncAdmin.RecordPage page =
        syncs.records(
            req.getRunId(), req.getConnectionId(), statuses, req.getPageSize(), req.getPageToken());
    ListSyncRecordsResponse.Builder b =
        ListSyncRecordsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.records().forEach(r -> b.addRecords(CrmProtos.record(r)));
    reply(obs, b.build());
  }

  @Override
  public void replayFailedRecords(
      ReplayFailedRecordsRequest req, StreamObserver<ReplayFailedRecordsResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < req.getRecordIdsCount(); i++) {
      ids.add(v.identifier("record_ids[" + i + "]", req.getRecordIds(i)));
    }
    change(v, req.getActor(), req.getRequestId());
    v.throwIfInvalid();
    reply(
        obs,
        ReplayFailedRecordsResponse.newBuilder()
            .setRun(
                CrmProtos.run(
                    syncs.replay(req.getConnectionId(), ids, req.getActor(), req.getRequestId())))
            .build());
  }

  @Override
  public void listRuleActions(
      ListRuleActionsRequest req, StreamObserver<ListRuleActionsResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    v.optionalIdentifier("account_id", req.getAccountId());
    Set<String> statuses = statuses(v, req.getStatusesList(), "RULE_ACTION_STATUS_");
    v.throwIfInvalid();
    RuleActions.Page page =
        ruleActions.list(
            req.getConnectionId(),
            req.getAccountId(),
            statuses,
            req.getPageSize(),
            req.getPageToken());
    ListRuleActionsResponse.Builder b =
        ListRuleActionsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.actions().forEach(a -> b.addActions(CrmProtos.ruleAction(a)));
    reply(obs, b.build());
  }

  @Override
  public void replayRuleActions(
      ReplayRuleActionsRequest req, StreamObserver<ReplayRuleActionsResponse> obs) {
    Validation v = Validation.of();
    v.identifier("connection_id", req.getConnectionId());
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < req.getActionKeysCount(); i++) {
      keys.add(
          v.requiredText("action_keys[" + i + "]", req.getActionKeys(i), MAX_ACTION_KEY_CHARS));
    }
    v.optionalIdentifier("actor", req.getActor());
    v.throwIfInvalid();
    ReplayRuleActionsResponse.Builder b = ReplayRuleActionsResponse.newBuilder();
    ruleActions
        .replay(req.getConnectionId(), keys, req.getActor())
        .forEach(a -> b.addActions(CrmProtos.ruleAction(a)));
    reply(obs, b.build());
  }

  @Override
  public void listAuditEntries(
      ListAuditEntriesRequest req, StreamObserver<ListAuditEntriesResponse> obs) {
    Validation v = Validation.of();
    v.optionalIdentifier("target_id", req.getTargetId());
    v.throwIfInvalid();
    Audit.Page page = audit.list(req.getTargetId(), req.getPageSize(), req.getPageToken());
    ListAuditEntriesResponse.Builder b =
        ListAuditEntriesResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.entries().forEach(e -> b.addEntries(CrmProtos.audit(e)));
    reply(obs, b.build());
  }

  private static void connectionId(String value) {
    Validation v = Validation.of();
    v.identifier("connection_id", value);
    v.throwIfInvalid();
  }

  /**
   * The statuses a listing asks for, by their domain names (the enum value names without {@code
   * prefix}); an unspecified or unknown one is a violation.
   */
  private static <E extends Enum<E> & ProtocolMessageEnum> Set<String> statuses(
      Validation v, List<E> given, String prefix) {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String name = v.requiredEnum("statuses[" + i + "]", given.get(i)).name();
      if (name.startsWith(prefix) && !name.equals(prefix + "UNSPECIFIED")) {
        names.add(name.substring(prefix.length()));
      }
    }
    return names;
  }

  /** Who made a change (the audit's actor) and the retry key of a change. */
  private static void change(Validation v, String actor, String requestId) {
    v.optionalIdentifier("actor", actor);
    v.optionalIdentifier("request_id", requestId);
  }

  /**
   * What PostgreSQL could not store or a CRM could not be sent, before the use case sees it; the
   * use case checks what the values mean (required fields, URL, ranges).
   */
  private static void connectionFields(Validation v, Connection c) {
    v.text("display_name", c.getDisplayName(), Limits.MAX_SHORT_TEXT_CHARS);
    v.text("base_url", c.getBaseUrl(), Limits.MAX_LONG_TEXT_CHARS);
    v.text("api_version", c.getApiVersion(), Limits.MAX_SHORT_TEXT_CHARS);
    v.text("match_field", c.getMatchField(), Limits.MAX_SHORT_TEXT_CHARS);
    v.duration(
        "debounce", c.hasDebounce() ? c.getDebounce() : null, MIN_DURATION, Limits.MAX_DURATION);
    v.duration(
        "reconcile_interval",
        c.hasReconcileInterval() ? c.getReconcileInterval() : null,
        MIN_DURATION,
        Limits.MAX_DURATION);
    Credentials k = c.getCredentials();
    Validation credentials = v.at("credentials");
    secret(credentials, "client_id", k.getClientId());
    secret(credentials, "client_secret", k.getClientSecret());
    secret(credentials, "refresh_token", k.getRefreshToken());
    secret(credentials, "access_token", k.getAccessToken());
  }

  /** Like free text, but the answer never quotes the value. */
  private static void secret(Validation v, String field, String value) {
    if (value.length() > MAX_SECRET_CHARS) {
      v.fail(field, "at most " + MAX_SECRET_CHARS + " characters");
    } else if (value.chars().anyMatch(Character::isISOControl)
        || value
            .codePoints()
            .anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
      v.fail(field, "must not contain control characters or invalid Unicode");
    }
  }

  private static void ruleFields(Validation v, WorkflowRule r) {
    v.text("name", r.getName(), Limits.MAX_SHORT_TEXT_CHARS);
    v.duration(
        "condition.signals_within",
        r.getCondition().hasSignalsWithin() ? r.getCondition().getSignalsWithin() : null,
        MIN_DURATION,
        Limits.MAX_DURATION);
    for (int i = 0; i < r.getActionsCount(); i++) {
      v.at("actions", i).text("target", r.getActions(i).getTarget(), Limits.MAX_SHORT_TEXT_CHARS);
    }
  }

  private static <T> void reply(StreamObserver<T> obs, T message) {
    obs.onNext(message);
    obs.onCompleted();
  }
}
