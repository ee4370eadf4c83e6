package dev.headroom.crm.sync;

import dev.headroom.crm.db.ActionDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.rules.ActionType;
import dev.headroom.crm.rules.WorkflowRule;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A rule whose condition turned true for an account. */
  private record Fired(WorkflowRule rule, ActionDao.FiringRow firing) {}

  /**
   * In the caller's transaction: which rules hold now for these accounts, and the actions of those
   * that fire. A handful of statements for the whole batch, whatever its size.
   */
  void evaluate(
      Handle h, String connectionId, List<WorkflowRule> rules, List<AccountValues> accounts) {
    List<WorkflowRule> firingRules =
        rules.stream()
            .filter(r -> r.actions().stream().anyMatch(a -> ONCE_PER_FIRING.contains(a.type())))
            .toList();
    if (accounts.isEmpty() || firingRules.isEmpty()) {
      return;
    }
    ActionDao dao = h.attach(ActionDao.class);
    Map<String, Map<String, ActionDao.FiringRow>> before = new HashMap<>();
    dao.firings(
            connectionId,
            firingRules.stream().map(WorkflowRule::ruleId).toArray(String[]::new),
            accounts.stream().map(AccountValues::accountId).toArray(String[]::new))
        .forEach(
            f -> before.computeIfAbsent(f.accountId(), k -> new HashMap<>()).put(f.ruleId(), f));
    OffsetDateTime now = SyncEngine.utc(clock.instant());
    List<ActionDao.FiringRow> changed = new ArrayList<>();
    List<Fired> fired = new ArrayList<>();
    for (AccountValues v : accounts) {
      Map<String, ActionDao.FiringRow> previousOfAccount =
          before.getOrDefault(v.accountId(), Map.of());
      for (WorkflowRule rule : firingRules) {
        boolean holds = rule.matches(v);
        ActionDao.FiringRow previous = previousOfAccount.get(rule.ruleId());
        if (holds == (previous != null && previous.holding())) {
          continue;
        }
        int firing = (previous == null ? 0 : previous.firing()) + (holds ? 1 : 0);
        ActionDao.FiringRow row =
            new ActionDao.FiringRow(connectionId, rule.ruleId(), v.accountId(), firing, holds, now);
        changed.add(row);
        if (holds) {
          fired.add(new Fired(rule, row));
        }
      }
    }
    dao.saveFirings(changed);
    Map<String, Map<String, ActionDao.ActionRow>> recentTasks =
        recentTasks(dao, connectionId, fired, now);
    List<ActionDao.ActionRow> actions = new ArrayList<>();
    for (Fired f : fired) {
      queue(
          f,
          recentTasks.getOrDefault(f.rule().ruleId(), Map.of()).get(f.firing().accountId()),
          now,
          actions);
    }
    dao.insertActions(actions);
  }

  /** Per task rule that fired, the accounts' tasks within the re-fire window: one query a rule. */
  private Map<String, Map<String, ActionDao.ActionRow>> recentTasks(
      ActionDao dao, String connectionId, List<Fired> fired, OffsetDateTime now) {
    Map<String, List<String>> accountsByTaskRule = new LinkedHashMap<>();
    for (Fired f : fired) {
      if (f.rule().actions().stream().anyMatch(a -> a.type() == ActionType.CREATE_TASK)) {
        accountsByTaskRule
            .computeIfAbsent(f.rule().ruleId(), k -> new ArrayList<>())
            .add(f.firing().accountId());
      }
    }
    OffsetDateTime since = SyncEngine.utc(now.toInstant().minus(taskRefireWindow));
    Map<String, Map<String, ActionDao.ActionRow>> recent = new HashMap<>();
    accountsByTaskRule.forEach(
        (ruleId, accountIds) -> {
          Map<String, ActionDao.ActionRow> byAccount = new HashMap<>();
          dao.recent(
                  connectionId,
                  ruleId,
                  accountIds.toArray(String[]::new),
                  ActionType.CREATE_TASK.name(),
                  since)
              .forEach(r -> byAccount.put(r.accountId(), r));
          recent.put(ruleId, byAccount);
        });
    return recent;
  }

  /**
   * The firing's actions; a task is skipped while the rule has a task for the account within the
   * re-fire window, including one this firing queued.
   */
  private void queue(
      Fired fired,
      ActionDao.ActionRow recentTask,
      OffsetDateTime now,
      List<ActionDao.ActionRow> actions) {
    WorkflowRule rule = fired.rule();
    ActionDao.FiringRow firing = fired.firing();
    ActionDao.ActionRow latestTask = recentTask;
    for (int i = 0; i < rule.actions().size(); i++) {
      WorkflowRule.Action a = rule.actions().get(i);
      if (!ONCE_PER_FIRING.contains(a.type())) {
        continue;
      }
      String status = "PENDING";
      String detail = "";
      if (a.type() == ActionType.CREATE_TASK && latestTask != null) {
        status = "SKIPPED";
        detail =
            "the rule's task of "
                + latestTask.createdAt().toLocalDate()
                + " is within the re-fire window of "
                + taskRefireWindow.toDays()
                + " days";
      }
      ActionDao.ActionRow action =
          new ActionDao.ActionRow(
              firing.connectionId(),
              rule.ruleId() + ":" + firing.accountId() + ":" + firing.firing() + ":" + i,
              rule.ruleId(),
              firing.accountId(),
              a.type().name(),
              a.target(),
              status,
              0,
              false,
              now,
              "",
              detail,
              now,
              now);
      actions.add(action);
      if (a.type() == ActionType.CREATE_TASK && status.equals("PENDING")) {
        latestTask = action;
      }
    }
  }
}
