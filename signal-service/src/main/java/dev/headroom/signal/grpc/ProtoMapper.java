package dev.headroom.signal.grpc;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.EvidenceItem;
import dev.headroom.api.signal.v1.MeterUsage;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.SignalRule;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.User;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.validation.Validation;
import dev.headroom.signal.catalog.AccountView;
import dev.headroom.signal.catalog.CatalogService;
import dev.headroom.signal.catalog.UserView;
import dev.headroom.signal.domain.AccountMetrics;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.SignalType;
import dev.headroom.signal.evaluation.AccountChange;
import dev.headroom.signal.evaluation.SignalView;
import dev.headroom.signal.evaluation.UsageSnapshotView;
import dev.headroom.signal.ingest.EventResult;
import dev.headroom.signal.ingest.IncomingEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** proto ⇄ domain, at the edge only. */
public final class ProtoMapper {
  private ProtoMapper() {}

  // ---- time
  // ----------------------------------------------------------------------------------------------

  public static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** A valid, set timestamp as an instant; null when unset or out of the RFC 3339 range. */
  static Instant instant(boolean has, Timestamp t) {
    if (!has
        || t.getNanos() < 0
        || t.getNanos() > 999_999_999
        || t.getSeconds() < -62_135_596_800L
        || t.getSeconds() > 253_402_300_799L) {
      return null;
    }
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  // ---- events
  // --------------------------------------------------------------------------------------------

  public static IncomingEvent event(UsageEvent e) {
    Instant at = instant(e.hasOccurredAt(), e.getOccurredAt());
    return new IncomingEvent(
        e.getEventId(),
        e.getAccountId(),
        e.hasUserId() ? e.getUserId() : null,
        at,
        e.getKind(),
        e.hasPayload() ? struct(e.getPayload()) : null,
        e.hasOccurredAt() && at == null ? timestampProblem(e.getOccurredAt()) : null);
  }

  /** The kit's words for an invalid timestamp; only built for a rejected event. */
  private static FieldViolation timestampProblem(Timestamp t) {
    Validation v = Validation.of();
    v.optionalTimestamp("occurred_at", t);
    return v.violations().get(0);
  }

  static Map<String, Object> struct(Struct s) {
    Map<String, Object> m = new LinkedHashMap<>();
    s.getFieldsMap().forEach((k, v) -> m.put(k, value(v)));
    return m;
  }

  private static Object value(Value v) {
    return switch (v.getKindCase()) {
      case NULL_VALUE, KIND_NOT_SET -> null;
      case NUMBER_VALUE -> v.getNumberValue();
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case STRUCT_VALUE -> struct(v.getStructValue());
      case LIST_VALUE -> list(v.getListValue());
    };
  }

  private static List<Object> list(ListValue l) {
    List<Object> out = new ArrayList<>(l.getValuesCount());
    l.getValuesList().forEach(v -> out.add(value(v)));
    return out;
  }

  public static dev.headroom.api.signal.v1.EventResult result(EventResult r) {
    var b =
        dev.headroom.api.signal.v1.EventResult.newBuilder()
            .setIndex(r.index())
            .setEventId(r.eventId() == null ? "" : r.eventId())
            .setOutcome(
                switch (r.outcome()) {
                  case ACCEPTED -> EventOutcome.EVENT_OUTCOME_ACCEPTED;
                  case DUPLICATE -> EventOutcome.EVENT_OUTCOME_DUPLICATE;
                  case REJECTED -> EventOutcome.EVENT_OUTCOME_REJECTED;
                });
    if (r.problem() != null) {
      b.setError(
          ItemError.newBuilder()
              .setCode(ErrorMapper.codeOf(r.problem().reason()).value())
              .setReason(ErrorMapper.toProto(r.problem().reason()))
              .setField(r.problem().field())
              .setDescription(r.problem().description()));
    }
    return b.build();
  }

  // ---- catalog
  // -------------------------------------------------------------------------------------------

  static dev.headroom.api.signal.v1.Product product(Catalog.Product p) {
    return dev.headroom.api.signal.v1.Product.newBuilder()
        .setProductKey(p.productKey())
        .setDisplayName(p.displayName())
        .setCatalogOrder(p.catalogOrder())
        .build();
  }

  static dev.headroom.api.signal.v1.Meter meter(Catalog.Meter m) {
    return dev.headroom.api.signal.v1.Meter.newBuilder()
        .setMeterKey(m.meterKey())
        .setUnit(m.unit())
        .setAggregation(
            m.aggregation() == Catalog.Aggregation.SUM
                ? dev.headroom.api.signal.v1.MeterAggregation.METER_AGGREGATION_SUM
                : dev.headroom.api.signal.v1.MeterAggregation.METER_AGGREGATION_LAST)
        .setDisplayName(m.displayName())
        .build();
  }

  static dev.headroom.api.signal.v1.Feature feature(Catalog c, Catalog.Feature f) {
    String lowest = CatalogService.lowestEntitlingPlan(c, f);
    return dev.headroom.api.signal.v1.Feature.newBuilder()
        .setFeatureKey(f.featureKey())
        .setProductKey(f.productKey())
        .setDisplayName(f.displayName())
        .setAdvanced(f.advanced())
        .setLowestEntitlingPlanKey(lowest == null ? "" : lowest)
        .build();
  }

  static dev.headroom.api.signal.v1.Plan plan(Catalog.Plan p) {
    return dev.headroom.api.signal.v1.Plan.newBuilder()
        .setPlanKey(p.planKey())
        .setProductKey(p.productKey())
        .setTierRank(p.tierRank())
        .setDisplayName(p.displayName())
        .setSeatPriceMonthly(money(p.seatPriceMonthly()))
        .setBasePriceMonthly(money(p.basePriceMonthly()))
        .setIncludedSeats(p.includedSeats())
        .putAllMeterLimits(p.meterLimits())
        .addAllEntitledFeatureKeys(p.entitledFeatureKeys().stream().sorted().toList())
        .setNextPlanKey(p.nextPlanKey() == null ? "" : p.nextPlanKey())
        .build();
  }

  static Money money(dev.headroom.signal.domain.Money m) {
    return Money.newBuilder().setCurrencyCode(m.currency()).setMinorUnits(m.minorUnits()).build();
  }

  static dev.headroom.api.signal.v1.Catalog catalog(Catalog c) {
    var b = dev.headroom.api.signal.v1.Catalog.newBuilder();
    c.products().forEach(p -> b.addProducts(product(p)));
    c.plans().forEach(p -> b.addPlans(plan(p)));
    c.features().forEach(f -> b.addFeatures(feature(c, f)));
    c.meters().forEach(m -> b.addMeters(meter(m)));
    return b.build();
  }

  // ---- accounts and users
  // --------------------------------------------------------------------------------

  public static Account account(AccountView a, Instant now) {
    var b = Account.newBuilder().setAccountId(a.accountId()).setProvisional(a.provisional());
    if (a.provisional()) {
      return b.build();
    }
    b.setName(a.name())
        .setCurrencyCode(a.currencyCode())
        .setLocale(a.locale())
        .setRegion(a.region())
        .setCrmOwner(a.crmOwner())
        .setArr(Money.newBuilder().setCurrencyCode(a.currencyCode()).setMinorUnits(a.arrMinor()));
    if (a.signupTime() != null) {
      b.setSignupTime(ts(a.signupTime()));
    }
    if (a.activatedAt() != null && !a.activatedAt().isAfter(now)) {
      b.setActivated(true).setActivatedAt(ts(a.activatedAt()));
    }
    a.effectiveSubscriptions(now).stream()
        .sorted(
            java.util.Comparator.comparing(
                dev.headroom.signal.domain.Account.Subscription::productKey))
        .forEach(s -> b.addSubscriptions(subscription(s)));
    return b.build();
  }

  static Subscription subscription(dev.headroom.signal.domain.Account.Subscription s) {
    return Subscription.newBuilder()
        .setProductKey(s.productKey())
        .setPlanKey(s.planKey())
        .setSeatsPurchased(s.seatsPurchased())
        .setSince(ts(s.since()))
        .build();
  }

  static User user(UserView u) {
    var b =
        User.newBuilder()
            .setUserId(u.userId())
            .setAccountId(u.accountId())
            .setRole(role(u.role()))
            .setTeam(u.team() == null ? "" : u.team())
            .setAddedTime(ts(u.addedTime()));
    if (u.removedTime() != null) {
      b.setRemovedTime(ts(u.removedTime()));
    }
    return b.build();
  }

  static UserRole role(Role r) {
    return switch (r) {
      case OWNER -> UserRole.USER_ROLE_OWNER;
      case ADMIN -> UserRole.USER_ROLE_ADMIN;
      case BILLING -> UserRole.USER_ROLE_BILLING;
      case MEMBER -> UserRole.USER_ROLE_MEMBER;
    };
  }

  /** Null for UNSPECIFIED; an unknown number is rejected by the caller. */
  static Role role(UserRole r) {
    return switch (r) {
      case USER_ROLE_OWNER -> Role.OWNER;
      case USER_ROLE_ADMIN -> Role.ADMIN;
      case USER_ROLE_BILLING -> Role.BILLING;
      case USER_ROLE_MEMBER -> Role.MEMBER;
      default -> null;
    };
  }

  // ---- signals
  // -------------------------------------------------------------------------------------------

  public static dev.headroom.api.common.v1.SignalType type(SignalType t) {
    return dev.headroom.api.common.v1.SignalType.valueOf("SIGNAL_TYPE_" + t.name());
  }

  /** Null for UNSPECIFIED or unknown numbers. */
  public static SignalType type(dev.headroom.api.common.v1.SignalType t) {
    if (t == dev.headroom.api.common.v1.SignalType.SIGNAL_TYPE_UNSPECIFIED
        || t == dev.headroom.api.common.v1.SignalType.UNRECOGNIZED) {
      return null;
    }
    return SignalType.valueOf(t.name().substring("SIGNAL_TYPE_".length()));
  }

  static ExpansionType expansion(SignalType t) {
    return t.expansionType() == null
        ? ExpansionType.EXPANSION_TYPE_UNSPECIFIED
        : ExpansionType.valueOf("EXPANSION_TYPE_" + t.expansionType().name());
  }

  public static Signal signal(SignalView s) {
    var b =
        Signal.newBuilder()
            .setSignalId(s.signalId() == 0 ? "" : Long.toString(s.signalId()))
            .setAccountId(s.accountId())
            .setType(type(s.type()))
            .setStatus(SignalStatus.valueOf("SIGNAL_STATUS_" + s.status()))
            .setSince(ts(s.since()))
            .setExpansionType(expansion(s.type()))
            .setRuleVersion(s.ruleVersion());
    if (s.activatesAt() != null) {
      b.setActivatesAt(ts(s.activatesAt()));
    }
    if (s.resolvedAt() != null) {
      b.setResolvedAt(ts(s.resolvedAt()));
    }
    for (Evidence e : s.evidence()) {
      b.addEvidence(
          EvidenceItem.newBuilder()
              .setMetric(e.metric())
              .setValue(e.value() == null ? "" : e.value().toPlainString())
              .setThreshold(e.threshold() == null ? "" : e.threshold().toPlainString())
              .setDescription(e.description() == null ? "" : e.description()));
    }
    s.constituents().forEach(c -> b.addConstituentTypes(type(c)));
    return b.build();
  }

  static SignalRule rule(dev.headroom.signal.domain.SignalRule r) {
    var b =
        SignalRule.newBuilder()
            .setType(type(r.type()))
            .setEnabled(r.enabled())
            .setVersion(r.version())
            .setUpdatedAt(ts(r.updatedAt()))
            .setUpdatedBy(r.updatedBy());
    new java.util.TreeMap<>(r.thresholds())
        .forEach((k, v) -> b.putThresholds(k, v.toPlainString()));
    new java.util.TreeMap<>(r.windows()).forEach((k, v) -> b.putWindows(k, duration(v)));
    return b.build();
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  public static UsageSnapshot snapshot(UsageSnapshotView v) {
    AccountMetrics m = v.metrics();
    var b =
        UsageSnapshot.newBuilder()
            .setAccountId(v.accountId())
            .setAsOf(ts(v.asOf()))
            .setAccount(account(v.account(), v.asOf()))
            .setSeatsUsed(m.seatsUsed())
            .setSeatsPurchased(m.seatsPurchased())
            .setActiveUsers7D(m.activeUsers7d())
            .setActiveUsers30D(m.activeUsers30d())
            .setActiveDays28(m.activeDays28())
            .setEngagementScore(m.engagementScore())
            .setPremiumAttempts14D(m.premiumAttempts14d())
            .setPremiumAttempts30D(m.premiumAttempts30d())
            .setNewUsers30D(m.newUsers30d())
            .setNewUsers90D(m.newUsers90d())
            .setWorkflowsCompleted30D(m.workflowsCompleted30d())
            .addAllAttemptedFeatureKeys30D(m.attemptedFeatureKeys30d())
            // "added in the trailing 90 days and still members" is exactly new users 90d (re-adds
            // aside).
            .setUsersAddedQuarter(m.newUsers90d());
    for (AccountMetrics.MeterValue mv : m.meters()) {
      b.addMeters(
          MeterUsage.newBuilder()
              .setMeterKey(mv.meterKey())
              .setValue(mv.value().toPlainString())
              .setLimit(mv.limit()));
    }
    v.signals().forEach(s -> b.addSignals(signal(s)));
    return b.build();
  }

  public static WatchAccountChangesResponse change(AccountChange c) {
    return WatchAccountChangesResponse.newBuilder()
        .setAccountId(c.accountId())
        .setKind(
            switch (c.kind()) {
              case SIGNALS -> ChangeKind.CHANGE_KIND_SIGNALS;
              case METRICS -> ChangeKind.CHANGE_KIND_METRICS;
              case ACCOUNT -> ChangeKind.CHANGE_KIND_ACCOUNT;
            })
        .setChangedAt(ts(c.changedAt()))
        .setSnapshot(snapshot(c.snapshot()))
        .addAllChangedSignalTypes(c.changedSignalTypes().stream().map(ProtoMapper::type).toList())
        .build();
  }
}
