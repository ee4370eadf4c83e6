package dev.headroom.crm.sync;

import dev.headroom.crm.client.OpportunityWrite;
import dev.headroom.crm.db.RuleDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.Amounts;
import dev.headroom.crm.domain.SourceField;
import dev.headroom.crm.domain.UsageNarrative;
import dev.headroom.crm.rules.ActionType;
import dev.headroom.crm.rules.WorkflowRule;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Which accounts need an expansion opportunity now: a rule with CREATE_OPPORTUNITY fires and the
 * account has no open one of its primary type. The key {@code <account>:<type>:<n>} counts the
 * opportunities the account had of that type, so it stays the same until one is recorded: a retry
 * or a restart upserts the same CRM record, and a new one gets a new key only after the last
 * closed.
 */
final class OpportunityPlanner {
  /** Opportunities stay open this long before their expected close date. */
  private static final int CLOSE_IN_DAYS = 30;

  private final Jdbi jdbi;
  private final Clock clock;

  OpportunityPlanner(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Account id to the opportunity to upsert; {@code companyIds} are known CRM account ids. */
  Map<String, OpportunityWrite> plan(
      String connectionId,
      List<WorkflowRule> rules,
      Map<String, AccountValues> values,
      Map<String, String> companyIds) {
    Map<String, OpportunityWrite> out = new LinkedHashMap<>();
    List<String> wanting =
        values.values().stream()
            .filter(
                v -> !v.primaryType().isEmpty() && fires(rules, v, ActionType.CREATE_OPPORTUNITY))
            .map(AccountValues::accountId)
            .toList();
    if (wanting.isEmpty()) {
      return out;
    }
    RuleDao dao = jdbi.onDemand(RuleDao.class);
    Set<String> open = new HashSet<>();
    dao.open(connectionId, wanting).forEach(o -> open.add(o.accountId() + ":" + o.expansionType()));
    LocalDate close = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(CLOSE_IN_DAYS);
    for (String accountId : wanting) {
      AccountValues v = values.get(accountId);
      if (open.contains(accountId + ":" + v.primaryType())) {
        continue;
      }
      int generation = dao.generations(connectionId, accountId, v.primaryType()) + 1;
      String type =
          SourceField.EXPANSION_TYPE.defaultLabels().getOrDefault(v.primaryType(), v.primaryType());
      out.put(
          accountId,
          new OpportunityWrite(
              accountId + ":" + v.primaryType() + ":" + generation,
              accountId,
              companyIds.getOrDefault(accountId, ""),
              accountId + ": " + type + " expansion",
              v.currency().isEmpty() ? null : Amounts.decimal(v.currency(), v.arrPotentialMinor()),
              close,
              UsageNarrative.of(v),
              fires(rules, v, ActionType.ASSIGN_TO_OWNER)));
    }
    return out;
  }

  /** True when a rule that holds for the account has an action of this type. */
  static boolean fires(List<WorkflowRule> rules, AccountValues v, ActionType type) {
    return rules.stream()
        .anyMatch(r -> r.matches(v) && r.actions().stream().anyMatch(a -> a.type() == type));
  }

  /** The actions the account's rules fire, as "ACTION target" lines for previews. */
  static List<String> actions(List<WorkflowRule> rules, AccountValues v) {
    return rules.stream()
        .filter(r -> r.matches(v))
        .flatMap(r -> r.actions().stream())
        .map(a -> a.target().isEmpty() ? a.type().name() : a.type().name() + " " + a.target())
        .distinct()
        .toList();
  }
}
