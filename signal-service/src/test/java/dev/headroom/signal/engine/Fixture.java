package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Account;
import dev.headroom.signal.domain.Account.Subscription;
import dev.headroom.signal.domain.AccountTimeline;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.Catalog.Aggregation;
import dev.headroom.signal.domain.Catalog.Feature;
import dev.headroom.signal.domain.Catalog.Meter;
import dev.headroom.signal.domain.Catalog.Plan;
import dev.headroom.signal.domain.Catalog.Product;
import dev.headroom.signal.domain.Evaluation;
import dev.headroom.signal.domain.EventKind;
import dev.headroom.signal.domain.Money;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalType;
import dev.headroom.signal.domain.UsageFact;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A realistic suite (core: free → team → business → enterprise; an analytics add-on) and a builder
 * for one account's facts. Event ids are zero-padded in insertion order so ties on occurred_at
 * resolve as written.
 */
final class Fixture {

  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final String ACCOUNT = "acme";

  /** signal.yaml's engine settings, spelled out for tests that run the engine without the app. */
  static final EngineSettings SETTINGS = new EngineSettings("core", List.of("api_calls"), 3, 1);

  static final Catalog CATALOG =
      new Catalog(
          List.of(new Product("core", "Core", 0), new Product("analytics", "Analytics", 1)),
          List.of(
              plan(
                  "free",
                  "core",
                  0,
                  3,
                  Map.of("api_calls", 1_000L, "storage_gb", 5L),
                  Set.of("basic"),
                  "team"),
              plan(
                  "team",
                  "core",
                  1,
                  0,
                  Map.of("api_calls", 100_000L, "storage_gb", 100L),
                  Set.of("basic", "reports"),
                  "business"),
              plan(
                  "business",
                  "core",
                  2,
                  0,
                  Map.of("api_calls", 1_000_000L),
                  Set.of("basic", "reports", "sso", "audit_log"),
                  "enterprise"),
              plan(
                  "enterprise",
                  "core",
                  3,
                  0,
                  Map.of(),
                  Set.of("basic", "reports", "sso", "audit_log"),
                  null),
              plan("analytics_pro", "analytics", 1, 0, Map.of(), Set.of("dashboards"), null)),
          List.of(
              new Feature("basic", "core", "Basic", false),
              new Feature("reports", "core", "Reports", true),
              new Feature("sso", "core", "SSO", false),
              new Feature("audit_log", "core", "Audit log", true),
              new Feature("dashboards", "analytics", "Dashboards", false)),
          List.of(
              new Meter("api_calls", "calls", Aggregation.SUM, "API calls"),
              new Meter("storage_gb", "GB", Aggregation.LAST, "Storage")));

  private static Plan plan(
      String key,
      String product,
      int rank,
      int included,
      Map<String, Long> limits,
      Set<String> features,
      String next) {
    return new Plan(
        key,
        product,
        rank,
        key,
        new Money("USD", 1_000),
        new Money("USD", 0),
        included,
        limits,
        features,
        next);
  }

  final List<UsageFact> facts = new ArrayList<>();
  final List<Subscription> subscriptions = new ArrayList<>();
  Instant signup = T0.minus(Duration.ofDays(365));
  private int seq;

  static Instant day(double days) {
    return T0.plus(Duration.ofMinutes(Math.round(days * 24 * 60)));
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  Fixture subscribe(String product, String plan, int seats, Instant since) {
    subscriptions.add(new Subscription(product, plan, seats, since));
    return this;
  }

  Fixture signup(Instant at) {
    signup = at;
    return this;
  }

  Fixture fact(
      String user, Instant at, EventKind kind, Role role, String team, String key, BigDecimal qty) {
    facts.add(
        new UsageFact(
            String.format("e%06d", seq++), ACCOUNT, user, at, kind, role, team, key, qty));
    return this;
  }

  Fixture added(String user, Role role, String team, Instant at) {
    return fact(user, at, EventKind.USER_ADDED, role, team, null, null);
  }

  Fixture added(String user, Instant at) {
    return added(user, Role.MEMBER, null, at);
  }

  /** {@code n} members u0..u(n-1) (or with the given prefix) added at {@code at}. */
  Fixture members(String prefix, int n, Instant at) {
    for (int i = 0; i < n; i++) {
      added(prefix + i, at);
    }
    return this;
  }

  Fixture removed(String user, Instant at) {
    return fact(user, at, EventKind.USER_REMOVED, null, null, null, null);
  }

  Fixture roleChanged(String user, Role role, String team, Instant at) {
    return fact(user, at, EventKind.USER_ROLE_CHANGED, role, team, null, null);
  }

  Fixture active(String user, Instant at) {
    return fact(user, at, EventKind.USER_ACTIVE, null, null, null, null);
  }

  Fixture featureUsed(String user, String feature, Instant at) {
    return fact(user, at, EventKind.FEATURE_USED, null, null, feature, null);
  }

  Fixture paywallHit(String user, String feature, Instant at) {
    return fact(user, at, EventKind.PAYWALL_HIT, null, null, feature, null);
  }

  Fixture meter(String meter, long qty, Instant at) {
    return fact(null, at, EventKind.METER, null, null, meter, BigDecimal.valueOf(qty));
  }

  Fixture workflow(String user, Instant at) {
    return fact(user, at, EventKind.WORKFLOW_COMPLETED, null, null, "wf", null);
  }

  Fixture ticket(String category, Instant at) {
    return fact(null, at, EventKind.SUPPORT_TICKET, null, null, category, null);
  }

  Fixture integrationRequested(Instant at) {
    return fact(null, at, EventKind.INTEGRATION_REQUESTED, null, null, "salesforce", null);
  }

  Fixture workspace(String team, Instant at) {
    return fact(null, at, EventKind.WORKSPACE_CREATED, null, team, null, null);
  }

  Fixture external(String type, Instant at) {
    return fact(null, at, EventKind.EXTERNAL, null, null, type, null);
  }

  /** Three distinct active users (not members, so seats are untouched) and a completed workflow. */
  Fixture activated(Instant at) {
    return active("act1", at).active("act2", at).active("act3", at).workflow("act1", at);
  }

  Account account() {
    return new Account(
        ACCOUNT, "Acme", "USD", "en-US", "us", "owner@example.com", signup, subscriptions);
  }

  AccountTimeline timeline() {
    return new AccountTimeline(account(), CATALOG, facts);
  }

  Evaluation eval(Instant t) {
    return eval(DefaultRules.all(), t);
  }

  Evaluation eval(Map<SignalType, SignalRule> rules, Instant t) {
    return new SignalEngine(SETTINGS).evaluate(timeline(), rules, t);
  }

  /** Only the given types' default rules, so a test sees exactly the signal it is about. */
  Evaluation evalOnly(Instant t, SignalType... types) {
    Map<SignalType, SignalRule> rules = new EnumMap<>(SignalType.class);
    for (SignalType type : types) {
      rules.put(type, DefaultRules.of(type));
    }
    return eval(rules, t);
  }

  static Optional<SignalState> signal(Evaluation e, SignalType type) {
    return e.signals().stream().filter(s -> s.type() == type).findFirst();
  }

  static SignalState require(Evaluation e, SignalType type) {
    return signal(e, type)
        .orElseThrow(() -> new AssertionError(type + " not holding; got " + e.signals()));
  }

  static BigDecimal evidenceValue(SignalState s, String metric) {
    return s.evidence().stream()
        .filter(ev -> ev.metric().equals(metric))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no evidence " + metric + " in " + s.evidence()))
        .value();
  }

  static SignalRule with(
      SignalType type, Map<String, BigDecimal> thresholds, Map<String, Duration> windows) {
    SignalRule d = DefaultRules.of(type);
    Map<String, BigDecimal> th = new java.util.HashMap<>(d.thresholds());
    th.putAll(thresholds);
    Map<String, Duration> w = new java.util.HashMap<>(d.windows());
    w.putAll(windows);
    return new SignalRule(type, true, th, w, 1, T0, "test");
  }
}
