package dev.headroom.signal.engine;

import dev.headroom.signal.domain.AccountTimeline;
import dev.headroom.signal.domain.Evaluation;
import dev.headroom.signal.domain.RunMemory;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import dev.headroom.signal.domain.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates one account at one instant: the metrics at T and every signal whose condition holds at
 * T, with status, since and evidence (docs/signals.md). A pure function of the timeline (facts with
 * occurred_at ≤ T, in any order), the rules and T; no clock, no I/O, thread-safe.
 *
 * <p>Rules: a type is evaluated iff {@code rules} has an enabled rule for it (pass {@link
 * DefaultRules#all()} for the defaults). Rules must pass {@link RuleValidator}; an invalid rule
 * makes evaluation throw.
 *
 * <p>since: see {@link RunFinder}. The run memory of the account's previous evaluation (see {@link
 * RunMemory}) only shortens the search; the result is the same with or without it.
 *
 * <p>A provisional account (null in the timeline) is not evaluated: the result has no signals and
 * all-zero, not-activated metrics, so a caller that forgets to skip it cannot raise a signal.
 */
public final class SignalEngine {

  private static final RuleValidator VALIDATOR = new RuleValidator();

  private final EngineSettings settings;

  public SignalEngine(EngineSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public EngineSettings settings() {
    return settings;
  }

  public Evaluation evaluate(
      AccountTimeline timeline, Map<SignalType, SignalRule> rules, Instant t) {
    return evaluate(timeline, rules, t, null);
  }

  /**
   * @param memory the {@link Evaluation#runMemory()} of the account's previous evaluation, or null
   */
  public Evaluation evaluate(
      AccountTimeline timeline, Map<SignalType, SignalRule> rules, Instant t, RunMemory memory) {
    Objects.requireNonNull(t, "t");
    if (timeline.account() == null) {
      return new Evaluation(t, MetricsCalculator.empty(), List.of(), null);
    }
    FactIndex index =
        new FactIndex(timeline.account(), timeline.catalog(), timeline.facts(), t, settings);
    boolean activated = index.activatedAt(t);
    Map<SignalType, RunMemory.Run> remembered = stillValid(memory, timeline, index, t);

    List<SignalState> signals = new ArrayList<>();
    Map<SignalType, RunMemory.Run> runs = new EnumMap<>(SignalType.class);
    for (SignalType type : SignalType.values()) {
      SignalRule rule = enabled(rules, type);
      if (rule == null || type.isComposite()) {
        continue;
      }
      Condition condition = conditionFor(rule);
      if (!condition.holds(index, t)) {
        continue;
      }
      RunMemory.Run run = remembered.get(type);
      RunFinder.KnownRun known =
          run != null && run.rule().equals(rule)
              ? new RunFinder.KnownRun(run.start(), memory.asOf())
              : null;
      Instant runStart = RunFinder.runStart(condition, index, t, known);
      runs.put(type, new RunMemory.Run(rule, runStart));
      signals.add(state(condition, index, t, runStart, activated));
    }
    SignalRule multi = enabled(rules, SignalType.MULTI_SIGNAL);
    if (multi != null) {
      MultiSignalComposer.compose(signals, multi, activated).ifPresent(signals::add);
    }
    FactIndex.HistoryMark history = index.historyBefore(t);
    RunMemory learned =
        new RunMemory(
            t, timeline.account(), timeline.catalog(), history.facts(), history.hash(), runs);
    return new Evaluation(t, MetricsCalculator.at(index, t), signals, learned);
  }

  /**
   * The remembered runs, if the memory describes this history up to its instant: the same account
   * data and catalog, and the same facts before it (a late fact rewrites what followed it). Rules
   * are compared per signal.
   */
  private static Map<SignalType, RunMemory.Run> stillValid(
      RunMemory memory, AccountTimeline timeline, FactIndex index, Instant t) {
    if (memory == null
        || memory.asOf().isAfter(t)
        || !memory.account().equals(timeline.account())
        || !memory.catalog().equals(timeline.catalog())
        || !index
            .historyBefore(memory.asOf())
            .equals(new FactIndex.HistoryMark(memory.factsBefore(), memory.historyHash()))) {
      return Map.of();
    }
    return memory.runs();
  }

  /**
   * Sustained signals are PENDING (since = run start, activatesAt = run start + sustain) until the
   * run is at least `sustain` long, then ACTIVE/SUPPRESSED with since = run start + sustain,
   * exactly 14×24h qualifying. Activation only picks the status; it never moves since.
   */
  private static SignalState state(
      Condition condition, FactIndex index, Instant t, Instant runStart, boolean activated) {
    Instant since = runStart;
    Instant activatesAt = null;
    Status status = activated ? Status.ACTIVE : Status.SUPPRESSED;
    if (condition.type().sustained()) {
      Duration sustain = condition.window("sustain");
      Instant sustainedAt = runStart.plus(sustain);
      if (sustainedAt.isAfter(t)) {
        status = Status.PENDING;
        activatesAt = sustainedAt;
      } else {
        since = sustainedAt;
      }
    }
    return new SignalState(
        condition.type(), status, since, activatesAt, condition.evidence(index, t), List.of());
  }

  private static SignalRule enabled(Map<SignalType, SignalRule> rules, SignalType type) {
    SignalRule rule = rules.get(type);
    if (rule == null || !rule.enabled()) {
      return null;
    }
    if (rule.type() != type) {
      throw new IllegalArgumentException("rule for " + type + " has type " + rule.type());
    }
    List<RuleViolation> violations = VALIDATOR.validate(rule);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException("invalid " + type + " rule: " + violations);
    }
    return rule;
  }

  static Condition conditionFor(SignalRule rule) {
    return switch (rule.type()) {
      case SEAT_UTILIZATION_HIGH -> new SeatUtilizationCondition(rule);
      case PREMIUM_FEATURE_DEMAND -> new PremiumDemandCondition(rule);
      case USAGE_LIMIT_APPROACHING -> new UsageLimitCondition(rule);
      case ENTERPRISE_READINESS -> new EnterpriseReadinessCondition(rule);
      case CROSS_PRODUCT_FIT -> new CrossProductFitCondition(rule);
      case TEAM_GROWTH -> new TeamGrowthCondition(rule);
      case ADVANCED_FEATURE_ADOPTION -> new AdvancedAdoptionCondition(rule);
      case WORKFLOW_BOTTLENECK -> new WorkflowBottleneckCondition(rule);
      case POWER_USER_EMERGENCE -> new PowerUserCondition(rule);
      case API_CONSUMPTION_GROWTH -> new ApiGrowthCondition(rule);
      case ORGANIZATIONAL_GROWTH -> new OrganizationalGrowthCondition(rule);
      case MULTI_SIGNAL ->
          throw new IllegalArgumentException("MULTI_SIGNAL is composed, not a condition");
    };
  }
}
