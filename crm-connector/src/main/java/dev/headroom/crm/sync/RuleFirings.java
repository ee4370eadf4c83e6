package dev.headroom.crm.sync;

import dev.headroom.crm.db.ActionDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.rules.ActionType;
import dev.headroom.crm.rules.WorkflowRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * When a rule fires for an account: its condition turns true (it did not hold at the previous
 * evaluation). Alerts, campaign enrolments and tasks are queued once per firing, keyed {@code
 * <rule>:<account>:<firing>:<action index>}, in the transaction that records the account as synced:
 * a redelivered score, a retry or a restart finds the rule holding already and queues nothing. A
 * task is not queued again while one of the rule's tasks for the account is younger than the
 * re-fire window (a rule that flaps does not flood customer success).
 */
final class RuleFirings {
  static final Set<ActionType> ONCE_PER_FIRING =
      EnumSet.of(ActionType.SEND_ALERT, ActionType.ENROLL_CAMPAIGN, ActionType.CREATE_TASK);

  private final Duration taskRefireWindow;
  private final Clock clock;

  RuleFirings(Duration taskRefireWindow, Clock clock) {
    this.taskRefireWindow = taskRefireWindow;
    this.clock = clock;
  }

  /** In the caller's transaction: which rules hold now, and the actions of those that fire. */
  void evaluate(Handle h, String connectionId, List<WorkflowRule> rules, AccountValues v) {
    ActionDao dao = h.attach(ActionDao.class);
    Map<String, ActionDao.FiringRow> before = new HashMap<>();
    dao.firings(connectionId, v.accountId()).forEach(f -> before.put(f.ruleId(), f));
    OffsetDateTime now = SyncEngine.utc(clock.instant());
    for (WorkflowRule rule : rules) {
      if (rule.actions().stream().noneMatch(a -> ONCE_PER_FIRING.contains(a.type()))) {
        continue;
      }
      boolean holds = rule.matches(v);
      ActionDao.FiringRow previous = before.get(rule.ruleId());
      if (holds == (previous != null && previous.holding())) {
        continue;
      }
      int firing = (previous == null ? 0 : previous.firing()) + (holds ? 1 : 0);
      dao.saveFiring(
          new ActionDao.FiringRow(connectionId, rule.ruleId(), v.accountId(), firing, holds, now));
      if (holds) {
        queue(dao, connectionId, rule, v.accountId(), firing, now);
      }
    }
  }

  private void queue(
      ActionDao dao,
      String connectionId,
      WorkflowRule rule,
      String accountId,
      int firing,
      OffsetDateTime now) {
    for (int i = 0; i < rule.actions().size(); i++) {
      WorkflowRule.Action a = rule.actions().get(i);
      if (!ONCE_PER_FIRING.contains(a.type())) {
        continue;
      }
      String status = "PENDING";
      String detail = "";
      if (a.type() == ActionType.CREATE_TASK) {
        Instant since = now.toInstant().minus(taskRefireWindow);
        Optional<ActionDao.ActionRow> recent =
            dao.recent(
                connectionId, rule.ruleId(), accountId, a.type().name(), SyncEngine.utc(since));
        if (recent.isPresent()) {
          status = "SKIPPED";
          detail =
              "the rule's task of "
                  + recent.get().createdAt().toLocalDate()
                  + " is within the re-fire window of "
                  + taskRefireWindow.toDays()
                  + " days";
        }
      }
      dao.insertAction(
          new ActionDao.ActionRow(
              connectionId,
              rule.ruleId() + ":" + accountId + ":" + firing + ":" + i,
              rule.ruleId(),
              accountId,
              a.type().name(),
              a.target(),
              status,
              0,
              false,
              now,
              "",
              detail,
              now,
              now));
    }
  }
}
