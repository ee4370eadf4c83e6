package dev.headroom.crm.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.crm.v1.ActionType;
import dev.headroom.api.crm.v1.AuditEntry;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.ConnectionCheck;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.FieldChange;
import dev.headroom.api.crm.v1.FieldMapping;
import dev.headroom.api.crm.v1.Opportunity;
import dev.headroom.api.crm.v1.OpportunityState;
import dev.headroom.api.crm.v1.RecordChange;
import dev.headroom.api.crm.v1.RecordStatus;
import dev.headroom.api.crm.v1.RuleAction;
import dev.headroom.api.crm.v1.RuleActionResult;
import dev.headroom.api.crm.v1.RuleActionStatus;
import dev.headroom.api.crm.v1.RuleCondition;
import dev.headroom.api.crm.v1.SourceField;
import dev.headroom.api.crm.v1.SyncRecord;
import dev.headroom.api.crm.v1.SyncRun;
import dev.headroom.api.crm.v1.SyncRunStatus;
import dev.headroom.api.crm.v1.SyncTrigger;
import dev.headroom.api.crm.v1.WorkflowRule;
import dev.headroom.crm.admin.ConnectionInput;
import dev.headroom.crm.admin.ConnectionView;
import dev.headroom.crm.db.ActionDao;
import dev.headroom.crm.db.AuditDao;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.sync.OpportunityEvents;
import dev.headroom.crm.sync.SyncAdmin;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/** Proto <-> domain for the CRM connector's API. */
final class CrmProtos {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CrmProtos() {}

  static ConnectionInput input(Connection c) {
    Provider provider =
        switch (c.getProvider()) {
          case CRM_PROVIDER_SALESFORCE -> Provider.SALESFORCE;
          case CRM_PROVIDER_HUBSPOT -> Provider.HUBSPOT;
          default -> null;
        };
    var k = c.getCredentials();
    return new ConnectionInput(
        provider,
        c.getDisplayName(),
        c.getBaseUrl(),
        c.getApiVersion(),
        c.getMatchField(),
        c.getEnabled(),
        c.getDryRun(),
        c.hasDebounce() ? duration(c.getDebounce()) : null,
        c.hasReconcileInterval() ? duration(c.getReconcileInterval()) : null,
        new Credentials(
            k.getClientId(),
            k.getClientSecret(),
            k.getRefreshToken(),
            k.getAccessToken(),
            k.getAlertWebhookUrl()));
  }

  static Connection connection(ConnectionView v) {
    var s = v.settings();
    return Connection.newBuilder()
        .setConnectionId(s.connectionId())
        .setProvider(
            s.provider() == Provider.SALESFORCE
                ? CrmProvider.CRM_PROVIDER_SALESFORCE
                : CrmProvider.CRM_PROVIDER_HUBSPOT)
        .setDisplayName(v.displayName())
        .setBaseUrl(s.baseUrl())
        .setApiVersion(s.apiVersion())
        .setCredentialsSet(v.credentialsSet())
        .setMatchField(s.matchField())
        .setEnabled(s.enabled())
        .setDryRun(s.dryRun())
        .setDebounce(duration(s.debounce()))
        .setReconcileInterval(duration(s.reconcileInterval()))
        .setCreatedAt(timestamp(v.createdAt()))
        .setUpdatedAt(timestamp(v.updatedAt()))
        .setVersion(s.version())
        .build();
  }

  static dev.headroom.crm.domain.FieldMapping mapping(FieldMapping m) {
    dev.headroom.crm.domain.SourceField source =
        m.getSource() == SourceField.SOURCE_FIELD_UNSPECIFIED
                || m.getSource() == SourceField.UNRECOGNIZED
            ? null
            : dev.headroom.crm.domain.SourceField.valueOf(
                m.getSource().name().substring("SOURCE_FIELD_".length()));
    return new dev.headroom.crm.domain.FieldMapping(
        source, m.getCrmField(), m.getEnabled(), m.getValueMapMap());
  }

  static FieldMapping mapping(dev.headroom.crm.domain.FieldMapping m) {
    return FieldMapping.newBuilder()
        .setSource(SourceField.valueOf("SOURCE_FIELD_" + m.source().name()))
        .setCrmField(m.crmField())
        .setEnabled(m.enabled())
        .putAllValueMap(m.valueMap())
        .build();
  }

  static ConnectionCheck check(dev.headroom.crm.domain.ConnectionCheck c) {
    return ConnectionCheck.newBuilder()
        .setName(c.name())
        .setPassed(c.passed())
        .setDetail(c.detail())
        .build();
  }

  static SyncRun run(SyncDao.RunRow r) {
    SyncRun.Builder b =
        SyncRun.newBuilder()
            .setRunId(r.runId())
            .setConnectionId(r.connectionId())
            .setTrigger(SyncTrigger.valueOf("SYNC_TRIGGER_" + r.trig()))
            .setStatus(SyncRunStatus.valueOf("SYNC_RUN_STATUS_" + r.status()))
            .setStartedAt(timestamp(r.startedAt()))
            .setRecordsTotal(r.recordsTotal())
            .setRecordsSucceeded(r.recordsSucceeded())
            .setRecordsFailed(r.recordsFailed())
            .setRecordsSkipped(r.recordsSkipped())
            .setApiCalls(r.apiCalls())
            .setRateLimitedResponses(r.rateLimited());
    if (r.finishedAt() != null) {
      b.setFinishedAt(timestamp(r.finishedAt()));
    }
    return b.build();
  }

  static SyncRecord record(SyncDao.RecordRow r) {
    RecordChange.Builder change =
        RecordChange.newBuilder().setAccountId(r.accountId()).setCrmRecordId(r.crmRecordId());
    try {
      for (JsonNode c : JSON.readTree(r.fieldChanges())) {
        change.addFieldChanges(
            FieldChange.newBuilder()
                .setCrmField(c.path("field").asText())
                .setOldValue(c.path("old").asText())
                .setNewValue(c.path("new").asText()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("stored field changes are not JSON", e);
    }
    return SyncRecord.newBuilder()
        .setRecordId(r.recordId())
        .setRunId(r.runId())
        .setAccountId(r.accountId())
        .setStatus(RecordStatus.valueOf("RECORD_STATUS_" + r.status()))
        .setAttempts(r.attempts())
        .setHttpStatus(r.httpStatus())
        .setErrorCode(r.errorCode())
        .setErrorMessage(r.errorMessage())
        .setChange(change)
        .setUpdatedAt(timestamp(r.updatedAt()))
        .build();
  }

  static RecordChange change(SyncAdmin.PreviewChange c) {
    RecordChange.Builder b =
        RecordChange.newBuilder()
            .setAccountId(c.accountId())
            .setCrmRecordId(c.crmRecordId())
            .addAllActions(c.actions());
    c.changes()
        .forEach(
            f ->
                b.addFieldChanges(
                    FieldChange.newBuilder()
                        .setCrmField(f.crmField())
                        .setOldValue(f.oldValue())
                        .setNewValue(f.newValue())));
    return b.build();
  }

  static RuleActionResult ruleAction(ActionDao.ActionRow a) {
    return RuleActionResult.newBuilder()
        .setActionKey(a.actionKey())
        .setConnectionId(a.connectionId())
        .setRuleId(a.ruleId())
        .setAccountId(a.accountId())
        .setType(ActionType.valueOf("ACTION_TYPE_" + a.actionType()))
        .setTarget(a.target())
        .setStatus(RuleActionStatus.valueOf("RULE_ACTION_STATUS_" + a.status()))
        .setAttempts(a.attempts())
        .setCrmId(a.crmId())
        .setDetail(a.detail())
        .setCreatedAt(timestamp(a.createdAt()))
        .setUpdatedAt(timestamp(a.updatedAt()))
        .build();
  }

  static AuditEntry audit(AuditDao.AuditRow r) {
    return AuditEntry.newBuilder()
        .setAuditId(r.auditId())
        .setActor(r.actor())
        .setAction(r.action())
        .setTargetId(r.targetId())
        .addAllChangedFields(
            r.changedFields().isEmpty() ? List.of() : Arrays.asList(r.changedFields().split(",")))
        .setOccurredAt(timestamp(r.occurredAt()))
        .build();
  }

  static dev.headroom.crm.rules.WorkflowRule rule(WorkflowRule r) {
    java.util.Set<String> types = new java.util.HashSet<>();
    r.getCondition()
        .getPrimaryTypesList()
        .forEach(t -> types.add(t.name().replace("EXPANSION_TYPE_", "")));
    List<dev.headroom.crm.rules.WorkflowRule.Action> actions = new java.util.ArrayList<>();
    for (RuleAction a : r.getActionsList()) {
      dev.headroom.crm.rules.ActionType type =
          a.getType() == ActionType.ACTION_TYPE_UNSPECIFIED
                  || a.getType() == ActionType.UNRECOGNIZED
              ? null
              : dev.headroom.crm.rules.ActionType.valueOf(
                  a.getType().name().substring("ACTION_TYPE_".length()));
      actions.add(new dev.headroom.crm.rules.WorkflowRule.Action(type, a.getTarget()));
    }
    return new dev.headroom.crm.rules.WorkflowRule(
        r.getRuleId(),
        r.getConnectionId(),
        r.getName(),
        r.getEnabled(),
        r.getCondition().getScoreAbove(),
        types,
        r.getCondition().getMinSignals(),
        duration(r.getCondition().getSignalsWithin()),
        actions,
        r.getVersion());
  }

  static WorkflowRule rule(dev.headroom.crm.rules.WorkflowRule r) {
    RuleCondition.Builder condition =
        RuleCondition.newBuilder()
            .setScoreAbove(r.scoreAbove())
            .setMinSignals(r.minSignals())
            .setSignalsWithin(duration(r.signalsWithin()));
    r.primaryTypes().stream()
        .sorted()
        .forEach(t -> condition.addPrimaryTypes(ExpansionType.valueOf("EXPANSION_TYPE_" + t)));
    WorkflowRule.Builder b =
        WorkflowRule.newBuilder()
            .setRuleId(r.ruleId())
            .setConnectionId(r.connectionId())
            .setName(r.name())
            .setEnabled(r.enabled())
            .setCondition(condition)
            .setVersion(r.version());
    r.actions()
        .forEach(
            a ->
                b.addActions(
                    RuleAction.newBuilder()
                        .setType(ActionType.valueOf("ACTION_TYPE_" + a.type().name()))
                        .setTarget(a.target())));
    return b.build();
  }

  static Opportunity opportunity(OpportunityEvents.Event e) {
    Opportunity.Builder b =
        Opportunity.newBuilder()
            .setAccountId(e.accountId())
            .setExpansionType(ExpansionType.valueOf("EXPANSION_TYPE_" + e.expansionType()))
            .setConnectionId(e.connectionId())
            .setCrmOpportunityId(e.crmId())
            .setExternalKey(e.externalKey())
            .setState(OpportunityState.valueOf("OPPORTUNITY_STATE_" + e.state()))
            .setAmount(
                Money.newBuilder().setCurrencyCode(e.currency()).setMinorUnits(e.amountMinor()))
            .setCreatedAt(timestamp(e.createdAt()));
    if (e.closedAt() != null) {
      b.setClosedAt(timestamp(e.closedAt()));
    }
    return b.build();
  }

  static java.time.Duration duration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static Timestamp timestamp(OffsetDateTime t) {
    return timestamp(t.toInstant());
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
