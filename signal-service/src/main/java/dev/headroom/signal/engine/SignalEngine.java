package dev.headroom.signal.engine;

import dev.headroom.signal.domain.AccountTimeline;
import dev.headroom.signal.domain.Evaluation;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import dev.headroom.signal.domain.SignalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>since: see {@link RunFinder}; a run that already held at T − {@link
 * EngineSettings#sinceHorizon()} is reported as starting there.
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

  public SignalEngine() {
    this(EngineSettings.DEFAULTS);
  }

  public EngineSettings settings() {
    return settings;
  }

  public Evaluation evaluate(
      AccountTimeline timeline, Map<SignalType, SignalRule> rules, Instant t) {
    Objects.requireNonNull(t, "t");
    if (timeline.account() == null) {
      return new Evaluation(t, MetricsCalculator.empty(), List.of());
    }
    FactIndex index =
        new FactIndex(timeline.account(), timeline.catalog(), timeline.facts(), t, settings);
    boolean activated = index.activatedAt(t);
    Instant horizon = t.minus(settings.sinceHorizon());

    List<SignalState> signals = new ArrayList<>();
    for (SignalType type : SignalType.values()) {
      SignalRule rule = enabled(rules, type);
      if (rule == null || type.isComposite()) {
        continue;
      }
      Condition condition = conditionFor(rule);
      if (!condition.holds(index, t)) {
        continue;
      }
      Instant runStart = RunFinder.runStart(condition, index, t, horizon);
      signals.add(state(condition, index, t, runStart, activated));
    }
    SignalRule multi = enabled(rules, SignalType.MULTI_SIGNAL);
    if (multi != null) {
      MultiSignalComposer.compose(signals, multi, activated).ifPresent(signals::add);
    }
    return new Evaluation(t, MetricsCalculator.at(index, t), signals);
  }

  /**
   * Sustained signals are PENDING (since = run start) until the run is at least `sustain` long,
   * then ACTIVE/SUPPRESSED with since = run start + sustain, exactly 14×24h qualifying. Activation
   * only picks the status; it never moves since.
   */
  private static SignalState state(
      Condition condition, FactIndex index, Instant t, Instant runStart, boolean activated) {
    Status held = activated ? Status.ACTIVE : Status.SUPPRESSED;
    Instant since = runStart;
    Status status = held;
    if (condition.type().sustained()) {
      Duration sustain = condition.window("sustain");
      Instant sustainedAt = runStart.plus(sustain);
      if (sustainedAt.isAfter(t)) {
        status = Status.PENDING;
      } else {
        since = sustainedAt;
      }
    }
    return new SignalState(
        condition.type(), status, since, condition.evidence(index, t), List.of());
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
