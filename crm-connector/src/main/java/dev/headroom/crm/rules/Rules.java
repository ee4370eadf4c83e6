package dev.headroom.crm.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.headroom.crm.admin.Audit;
import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.crm.db.RuleDao;
import dev.headroom.crm.sync.Ids;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Admin use cases on workflow rules, with validation and an audit entry per change. */
public final class Rules {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern CRM_FIELD =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
  private static final Set<String> TYPES =
      Set.of("SEAT_ADD", "TIER_UPGRADE", "USAGE_INCREASE", "MULTI_PRODUCT", "ENTERPRISE");

  private final Jdbi jdbi;
  private final Audit audit;
  private final Clock clock;
  private final Ids ids;

  public Rules(Jdbi jdbi, Audit audit, Clock clock, Ids ids) {
    this.jdbi = jdbi;
    this.audit = audit;
    this.clock = clock;
    this.ids = ids;
  }

  public List<WorkflowRule> list(String connectionId) {
    requireConnection(connectionId);
    return forConnection(connectionId);
  }

  /** The connection's rules as the engine evaluates them. */
  public List<WorkflowRule> forConnection(String connectionId) {
    return jdbi.onDemand(RuleDao.class).ofConnection(connectionId).stream()
        .map(Rules::rule)
        .toList();
  }

  public WorkflowRule create(WorkflowRule rule, String actor, String requestId) {
    validate(rule, "rule.");
    requireConnection(rule.connectionId());
    RuleDao dao = jdbi.onDemand(RuleDao.class);
    if (!requestId.isEmpty()) {
      Optional<RuleDao.RuleRow> earlier = dao.findByRequestId(requestId);
      if (earlier.isPresent()) {
        WorkflowRule before = rule(earlier.get());
        if (!before.name().equals(rule.name())
            || !before.connectionId().equals(rule.connectionId())) {
          throw new DomainException.AlreadyExists("request_id", requestId);
        }
        return before;
      }
    }
    String id = ids.next("rule-");
    jdbi.useTransaction(
        h -> {
          insert(h, rule, id, requestId.isEmpty() ? null : requestId);
          audit.record(h, actor, "rule.create", rule.connectionId(), List.of(id));
        });
    return rule(dao.find(id).orElseThrow());
  }

  /** Inserts the seeds' rules for a new connection, in the caller's transaction. */
  public void createDefaults(Handle h, String connectionId) {
    for (WorkflowRule r : WorkflowRule.defaults(connectionId)) {
      insert(h, r, ids.next("rule-"), null);
    }
  }

  public WorkflowRule update(WorkflowRule rule, long expectedVersion, String actor) {
    RuleDao dao = jdbi.onDemand(RuleDao.class);
    RuleDao.RuleRow current =
        dao.find(rule.ruleId())
            .orElseThrow(() -> new DomainException.NotFound("rule", rule.ruleId()));
    WorkflowRule merged =
        new WorkflowRule(
            rule.ruleId(),
            current.connectionId(),
            rule.name(),
            rule.enabled(),
            rule.scoreAbove(),
            rule.primaryTypes(),
            rule.minSignals(),
            rule.signalsWithin(),
            rule.actions(),
            current.version());
    validate(merged, "rule.");
    if (expectedVersion != 0 && expectedVersion != current.version()) {
      throw new DomainException.FailedPrecondition(
          Reason.FAILED_PRECONDITION,
          "rule "
              + rule.ruleId()
              + " is at version "
              + current.version()
              + ", not "
              + expectedVersion);
    }
    jdbi.useTransaction(
        h -> {
          if (h.attach(RuleDao.class).update(row(merged, null, current.createdAt())) == 0) {
            throw new DomainException.FailedPrecondition(
                Reason.FAILED_PRECONDITION,
                "rule " + rule.ruleId() + " changed meanwhile; read it again");
          }
          audit.record(
              h,
              actor,
              "rule.update",
              current.connectionId(),
              List.of(rule.ruleId(), "name", "enabled", "condition", "actions"));
        });
    return rule(dao.find(rule.ruleId()).orElseThrow());
  }

  public void delete(String ruleId, String actor) {
    jdbi.useTransaction(
        h -> {
          RuleDao dao = h.attach(RuleDao.class);
          RuleDao.RuleRow current =
              dao.find(ruleId).orElseThrow(() -> new DomainException.NotFound("rule", ruleId));
          dao.delete(ruleId);
          audit.record(h, actor, "rule.delete", current.connectionId(), List.of(ruleId));
        });
  }

  static void validate(WorkflowRule r, String p) {
    DomainException.Violations v = new DomainException.Violations();
    v.check(
        r.name() != null && !r.name().isBlank() && r.name().length() <= 200,
        p + "name",
        "required, at most 200 characters");
    v.check(
        r.scoreAbove() >= -1 && r.scoreAbove() <= 100,
        p + "condition.score_above",
        "-1 (no score condition) to 100");
    int i = 0;
    for (String t : new TreeSet<>(r.primaryTypes())) {
      v.check(
          TYPES.contains(t),
          p + "condition.primary_types[" + i++ + "]",
          "one of " + new TreeSet<>(TYPES));
    }
    v.check(r.minSignals() >= 0 && r.minSignals() <= 12, p + "condition.min_signals", "0 to 12");
    if (r.minSignals() > 0) {
      v.check(
          r.signalsWithin().compareTo(Duration.ZERO) > 0
              && r.signalsWithin().compareTo(Duration.ofDays(365)) <= 0,
          p + "condition.signals_within",
          "a window of up to 365 days is required with min_signals");
    }
    v.check(!r.actions().isEmpty(), p + "actions", "at least one action");
    for (int a = 0; a < r.actions().size(); a++) {
      WorkflowRule.Action action = r.actions().get(a);
      v.check(action.type() != null, p + "actions[" + a + "].type", "required: an ActionType");
      if (action.type() == ActionType.ENROLL_CAMPAIGN || action.type() == ActionType.CREATE_TASK) {
        v.check(
            action.target() != null && !action.target().isBlank(),
            p + "actions[" + a + "].target",
            action.type() == ActionType.ENROLL_CAMPAIGN
                ? "the campaign: its CRM id or name"
                : "the task subject");
      }
      if (action.type() == ActionType.FLAG_REVIEW) {
        v.check(
            action.target() == null
                || action.target().isEmpty()
                || CRM_FIELD.matcher(action.target()).matches(),
            p + "actions[" + a + "].target",
            "the CRM checkbox field to set, e.g. Immediate_Review__c; empty for the field"
                + " IMMEDIATE_REVIEW is mapped to");
      }
    }
    v.throwIfAny();
  }

  private void insert(Handle h, WorkflowRule r, String id, String requestId) {
    h.attach(RuleDao.class)
        .insert(
            row(
                new WorkflowRule(
                    id,
                    r.connectionId(),
                    r.name(),
                    r.enabled(),
                    r.scoreAbove(),
                    r.primaryTypes(),
                    r.minSignals(),
                    r.signalsWithin(),
                    r.actions(),
                    1),
                requestId,
                clock.instant().atOffset(ZoneOffset.UTC)));
  }

  private void requireConnection(String connectionId) {
    if (jdbi.onDemand(ConnectionDao.class).find(connectionId).isEmpty()) {
      throw new DomainException.NotFound("connection", connectionId);
    }
  }

  private static RuleDao.RuleRow row(
      WorkflowRule r, String requestId, java.time.OffsetDateTime createdAt) {
    ArrayNode actions = JSON.createArrayNode();
    r.actions()
        .forEach(a -> actions.addObject().put("type", a.type().name()).put("target", a.target()));
    return new RuleDao.RuleRow(
        r.ruleId(),
        r.connectionId(),
        r.name().strip(),
        r.enabled(),
        r.scoreAbove(),
        String.join(",", new TreeSet<>(r.primaryTypes())),
        r.minSignals(),
        r.signalsWithin().toMillis(),
        actions.toString(),
        r.version(),
        requestId,
        createdAt);
  }

  static WorkflowRule rule(RuleDao.RuleRow r) {
    List<WorkflowRule.Action> actions = new ArrayList<>();
    try {
      for (JsonNode a : JSON.readTree(r.actions())) {
        actions.add(
            new WorkflowRule.Action(
                ActionType.valueOf(a.path("type").asText()), a.path("target").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new WorkflowRule(
        r.ruleId(),
        r.connectionId(),
        r.name(),
        r.enabled(),
        r.scoreAbove(),
        r.primaryTypes().isEmpty() ? Set.of() : Set.of(r.primaryTypes().split(",", -1)),
        r.minSignals(),
        Duration.ofMillis(r.signalsWithinMs()),
        actions,
        r.version());
  }
}
