package dev.headroom.crm.rules;

import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.SignalLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An admin-editable rule: when the condition holds for an account's latest values, its actions
 * fire. Every part of the condition that is set must hold.
 *
 * @param scoreAbove the score must be strictly above this; -1 for no score condition
 * @param primaryTypes the primary type must be one of these; empty for any
 * @param minSignals at least this many active signals became active within {@code signalsWithin} of
 *     each other; 0 for no condition
 */
public record WorkflowRule(
    String ruleId,
    String connectionId,
    String name,
    boolean enabled,
    int scoreAbove,
    Set<String> primaryTypes,
    int minSignals,
    Duration signalsWithin,
    List<Action> actions,
    long version) {

  public record Action(ActionType type, String target) {}

  public WorkflowRule {
    primaryTypes = Set.copyOf(primaryTypes);
    actions = List.copyOf(actions);
  }

  public boolean matches(AccountValues v) {
    if (!enabled) {
      return false;
    }
    if (scoreAbove >= 0 && v.score() <= scoreAbove) {
      return false;
    }
    if (!primaryTypes.isEmpty() && !primaryTypes.contains(v.primaryType())) {
      return false;
    }
    return minSignals <= 0 || clustered(v.signals(), minSignals, signalsWithin);
  }

  /** True when some {@code n} signals became active within {@code window} of one another. */
  static boolean clustered(List<SignalLine> signals, int n, Duration window) {
    List<java.time.Instant> since = new ArrayList<>();
    signals.forEach(s -> since.add(s.since()));
    since.sort(null);
    for (int i = 0; i + n - 1 < since.size(); i++) {
      if (!Duration.between(since.get(i), since.get(i + n - 1)).minus(window).isPositive()) {
        return true;
      }
    }
    return false;
  }

  /** The seeds' four rules, which every new connection starts with. */
  public static List<WorkflowRule> defaults(String connectionId) {
    return List.of(
        new WorkflowRule(
            "",
            connectionId,
            "Urgent expansion: opportunity for the account executive",
            true,
            75,
            Set.of(),
            0,
            Duration.ZERO,
            List.of(
                new Action(ActionType.CREATE_OPPORTUNITY, ""),
                new Action(ActionType.ASSIGN_TO_OWNER, ""),
                new Action(ActionType.SEND_ALERT, "")),
            1),
        new WorkflowRule(
            "",
            connectionId,
            "Seat add: self-serve email campaign",
            true,
            60,
            Set.of("SEAT_ADD"),
            0,
            Duration.ZERO,
            List.of(new Action(ActionType.ENROLL_CAMPAIGN, "Self-serve expansion")),
            1),
        new WorkflowRule(
            "",
            connectionId,
            "Tier upgrade: usage review call",
            true,
            -1,
            Set.of("TIER_UPGRADE"),
            0,
            Duration.ZERO,
            List.of(new Action(ActionType.CREATE_TASK, "Usage review call")),
            1),
        new WorkflowRule(
            "",
            connectionId,
            "Two signals within a week: immediate review",
            true,
            -1,
            Set.of(),
            2,
            Duration.ofDays(7),
            List.of(new Action(ActionType.FLAG_REVIEW, "")),
            1));
  }
}
