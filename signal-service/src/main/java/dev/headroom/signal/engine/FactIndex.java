package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Account;
import dev.headroom.signal.domain.Account.Subscription;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.Catalog.Aggregation;
import dev.headroom.signal.domain.Catalog.Feature;
import dev.headroom.signal.domain.Catalog.Plan;
import dev.headroom.signal.domain.EventKind;
import dev.headroom.signal.domain.Role;
import dev.headroom.signal.domain.UsageFact;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One account's facts up to T, indexed so that any metric can be asked at any instant t <= T in
 * logarithmic time (or O(users · log n) for per-user metrics). Built once per evaluation; the since
 * search then asks the same questions at many earlier instants without rescanning the facts.
 *
 * <p>Every answer at t depends only on facts with occurred_at <= t and on what the subscription
 * history says at t, which is what makes the result independent of arrival order and lets late
 * events rewrite history.
 */
final class FactIndex {

  /** Ticket categories that signal friction in a workflow (docs/signals.md WORKFLOW_BOTTLENECK). */
  static final Set<String> FRICTION_CATEGORIES =
      Set.of("INTEGRATION", "AUTOMATION", "MANUAL_STEPS");

  /** EXTERNAL enrichment types that mean the organization is growing. */
  static final Set<String> GROWTH_EXTERNAL_TYPES =
      Set.of("FUNDING_ROUND", "HIRING_SURGE", "ACQUISITION");

  final Instant asOf;
  final Account account;
  final Catalog catalog;
  final EngineSettings settings;

  /** The visible facts in timeline order. */
  private final List<UsageFact> facts;

  // --- subscriptions: segments between consecutive distinct `since` instants
  // -----------------------------
  private final Instant[] segmentStarts;
  private final Segment[] segments;

  // --- membership
  // ----------------------------------------------------------------------------------------
  private final StepFunction seatsUsed;
  private final Instant[] membershipTimes;
  private final Map<String, UserHistory> users;
  private final Instant[] teamFirstSeen;

  // --- activity
  // ------------------------------------------------------------------------------------------
  private final Instant[] activityTimes;
  private final Map<String, Instant[]> userActivity;

  /**
   * Per user, the first activity instant of each UTC date it was active: one entry per active date.
   */
  private final Map<String, Instant[]> userDayFirsts;

  private final Instant[] accountDayFirsts;
  private final Map<Duration, StepFunction> distinctActiveCache = new HashMap<>();
  private final Instant activatedAt;

  // --- premium attempts, meters, other event series
  // -----------------------------------------------------
  private final Map<String, Instant[]> premiumCandidatesByFeature;
  private final Instant[] premiumCandidateTimes;
  private final Map<String, Series> meters;
  private final Series apiUsage;
  private final Instant[] friction;
  private final Instant[] growthExternal;
  private final Instant[] workflows;
  private final Map<String, Instant[]> advancedUseByUser;

  /** What the subscription history says during one segment of time. */
  record Segment(
      Subscription core,
      Plan corePlan,
      int capacity,
      Set<String> entitled,
      Set<String> ownedProducts) {
    static final Segment NONE = new Segment(null, null, 0, Set.of(), Set.of());
  }

  /** A value series with prefix sums: sums over any time range in O(log n). */
  record Series(Instant[] times, BigDecimal[] quantities, BigDecimal[] prefix) {
    static Series of(List<Instant> ts, List<BigDecimal> qs) {
      BigDecimal[] prefix = new BigDecimal[qs.size() + 1];
      prefix[0] = BigDecimal.ZERO;
      for (int i = 0; i < qs.size(); i++) {
        prefix[i + 1] = prefix[i].add(qs.get(i));
      }
      return new Series(ts.toArray(Times.NONE), qs.toArray(new BigDecimal[0]), prefix);
    }

    /** Sum over {@code [from, to]} (inclusive both ends, as calendar months need). */
    BigDecimal sumClosed(Instant from, Instant to) {
      int hi = Times.countAtOrBefore(times, to);
      int lo = Times.countBefore(times, from);
      return hi <= lo ? BigDecimal.ZERO : prefix[hi].subtract(prefix[lo]);
    }

    /** Sum over the count window {@code (t − window, t]}. */
    BigDecimal sumInWindow(Instant t, Duration window) {
      return sumOpenClosed(t.minus(window), t);
    }

    BigDecimal sumOpenClosed(Instant fromExclusive, Instant toInclusive) {
      int hi = Times.countAtOrBefore(times, toInclusive);
      int lo = Times.countAtOrBefore(times, fromExclusive);
      return hi <= lo ? BigDecimal.ZERO : prefix[hi].subtract(prefix[lo]);
    }

    /** The quantity of the latest entry {@code <= t}, or null without one. */
    BigDecimal latest(Instant t) {
      int i = Times.countAtOrBefore(times, t) - 1;
      return i < 0 ? null : quantities[i];
    }
  }

  /** A user's membership snapshots after each of their membership events (timeline order). */
  static final class UserHistory {
    final List<Instant> times = new ArrayList<>();
    final List<Boolean> member = new ArrayList<>();
    final List<Role> roles = new ArrayList<>();
    final List<String> teams = new ArrayList<>();

    /** When the user last became an OWNER/ADMIN member; null while not one. */
    final List<Instant> adminSince = new ArrayList<>();

    Instant firstAdded;
    private Instant[] timeArray = Times.NONE;

    int indexAt(Instant t) {
      return Times.countAtOrBefore(timeArray, t) - 1;
    }

    boolean memberAt(Instant t) {
      int i = indexAt(t);
      return i >= 0 && member.get(i);
    }

    String teamAt(Instant t) {
      int i = indexAt(t);
      return i < 0 ? null : teams.get(i);
    }

    Instant adminSinceAt(Instant t) {
      int i = indexAt(t);
      return i < 0 ? null : adminSince.get(i);
    }
  }

  FactIndex(
      Account account,
      Catalog catalog,
      List<UsageFact> allFacts,
      Instant asOf,
      EngineSettings settings) {
    this.asOf = asOf;
    this.account = account;
    this.catalog = catalog;
    this.settings = settings;

    List<UsageFact> facts = visibleFacts(account.accountId(), allFacts, asOf);
    this.facts = facts;

    // Subscriptions.
    TreeSet<Instant> starts = new TreeSet<>();
    for (Subscription s : account.subscriptionHistory()) {
      starts.add(s.since());
    }
    segmentStarts = starts.toArray(Times.NONE);
    segments = new Segment[segmentStarts.length];
    for (int i = 0; i < segmentStarts.length; i++) {
      segments[i] = segmentAt(segmentStarts[i]);
    }

    // Membership replay, team first appearances.
    Map<String, UserHistory> userMap = new LinkedHashMap<>();
    Map<String, MutableUser> state = new HashMap<>();
    Map<String, Instant> teamFirst = new HashMap<>();
    List<Instant> seatSampleTimes = new ArrayList<>();
    List<Integer> seatSamples = new ArrayList<>();
    List<Instant> membership = new ArrayList<>();
    int members = 0;

    // Activity and the other series.
    List<Instant> activity = new ArrayList<>();
    Map<String, List<Instant>> perUserActivity = new HashMap<>();
    Map<String, List<Instant>> perUserDayFirst = new HashMap<>();
    List<Instant> accountDays = new ArrayList<>();
    Map<String, Instant> firstActivityPerUser = new HashMap<>();
    List<Instant> workflowList = new ArrayList<>();
    Map<String, List<Instant>> premiumByFeature = new HashMap<>();
    List<Instant> premiumAll = new ArrayList<>();
    Map<String, List<Instant>> meterTimes = new HashMap<>();
    Map<String, List<BigDecimal>> meterQuantities = new HashMap<>();
    List<Instant> apiTimes = new ArrayList<>();
    List<BigDecimal> apiQuantities = new ArrayList<>();
    List<Instant> frictionList = new ArrayList<>();
    List<Instant> externalList = new ArrayList<>();
    Map<String, List<Instant>> advanced = new HashMap<>();
    Map<String, Feature> featureByKey = catalog.featuresByKey();
    Set<String> apiKeys = new HashSet<>(settings.apiMeterKeys());

    for (UsageFact f : facts) {
      Instant t = f.occurredAt();
      switch (f.kind()) {
        case USER_ADDED, USER_REMOVED, USER_ROLE_CHANGED -> {
          String team = blankToNull(f.team());
          if (team != null && f.kind() != EventKind.USER_REMOVED) {
            teamFirst.putIfAbsent(team, t);
          }
          if (f.userId() == null) {
            break;
          }
          MutableUser u = state.computeIfAbsent(f.userId(), k -> new MutableUser());
          boolean wasMember = u.member;
          boolean wasAdminMember = u.member && u.role != null && u.role.isAdmin();
          switch (f.kind()) {
            case USER_ADDED -> {
              u.member = true;
              u.role = f.role() != null ? f.role() : Role.MEMBER;
              u.team = team; // USER_ADDED without a team means no team
            }
            case USER_REMOVED -> u.member = false;
            default -> {
              // A role change never adds a member; it only updates role and, when given, team.
              if (f.role() != null) {
                u.role = f.role();
              }
              if (team != null) {
                u.team = team;
              }
            }
          }
          boolean isAdminMember = u.member && u.role != null && u.role.isAdmin();
          if (!isAdminMember) {
            u.adminSince = null;
          } else if (!wasAdminMember) {
            u.adminSince = t;
          }
          UserHistory h = userMap.computeIfAbsent(f.userId(), k -> new UserHistory());
          if (f.kind() == EventKind.USER_ADDED && h.firstAdded == null) {
            h.firstAdded = t;
          }
          h.times.add(t);
          h.member.add(u.member);
          h.roles.add(u.role);
          h.teams.add(u.team);
          h.adminSince.add(u.adminSince);
          if (wasMember != u.member) {
            members += u.member ? 1 : -1;
          }
          seatSampleTimes.add(t);
          seatSamples.add(members);
          membership.add(t);
        }
        case WORKSPACE_CREATED -> {
          String team = blankToNull(f.team());
          if (team != null) {
            teamFirst.putIfAbsent(team, t);
          }
        }
        case FEATURE_USED, PAYWALL_HIT -> {
          if (f.key() != null && !segment(t).entitled().contains(f.key())) {
            premiumByFeature.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(t);
            premiumAll.add(t);
          }
          Feature feature = featureByKey.get(f.key());
          if (f.kind() == EventKind.FEATURE_USED
              && f.userId() != null
              && feature != null
              && feature.advanced()) {
            advanced.computeIfAbsent(f.userId(), k -> new ArrayList<>()).add(t);
          }
        }
        case METER -> {
          if (f.key() != null && f.quantity() != null) {
            meterTimes.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(t);
            meterQuantities.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f.quantity());
            if (apiKeys.contains(f.key())) {
              apiTimes.add(t);
              apiQuantities.add(f.quantity());
            }
          }
        }
        case WORKFLOW_COMPLETED -> workflowList.add(t);
        case SUPPORT_TICKET -> {
          if (f.key() != null && FRICTION_CATEGORIES.contains(f.key())) {
            frictionList.add(t);
          }
        }
        case INTEGRATION_REQUESTED -> frictionList.add(t);
        case EXTERNAL -> {
          if (f.key() != null && GROWTH_EXTERNAL_TYPES.contains(f.key())) {
            externalList.add(t);
          }
        }
        default -> {}
      }
      if (f.isActivity()) {
        activity.add(t);
        perUserActivity.computeIfAbsent(f.userId(), k -> new ArrayList<>()).add(t);
        firstActivityPerUser.putIfAbsent(f.userId(), t);
        List<Instant> days = perUserDayFirst.computeIfAbsent(f.userId(), k -> new ArrayList<>());
        long epochDay = Times.epochDay(t);
        if (days.isEmpty() || Times.epochDay(days.getLast()) != epochDay) {
          days.add(t);
        }
        if (accountDays.isEmpty() || Times.epochDay(accountDays.getLast()) != epochDay) {
          accountDays.add(t);
        }
      }
    }

    for (UserHistory h : userMap.values()) {
      h.timeArray = h.times.toArray(Times.NONE);
    }
    users = userMap;
    seatsUsed = StepFunction.ofSamples(seatSampleTimes, seatSamples);
    membershipTimes = membership.toArray(Times.NONE);
    teamFirstSeen = teamFirst.values().stream().sorted().toArray(Instant[]::new);

    activityTimes = activity.toArray(Times.NONE);
    userActivity = toArrays(perUserActivity);
    userDayFirsts = toArrays(perUserDayFirst);
    accountDayFirsts = accountDays.toArray(Times.NONE);
    workflows = workflowList.toArray(Times.NONE);
    activatedAt = activationInstant(firstActivityPerUser, workflowList, settings);

    premiumCandidatesByFeature = toArrays(premiumByFeature);
    premiumCandidateTimes = premiumAll.toArray(Times.NONE);
    Map<String, Series> meterSeries = new HashMap<>();
    for (String key : meterTimes.keySet()) {
      meterSeries.put(key, Series.of(meterTimes.get(key), meterQuantities.get(key)));
    }
    meters = meterSeries;
    apiUsage = Series.of(apiTimes, apiQuantities);
    friction = frictionList.toArray(Times.NONE);
    growthExternal = externalList.toArray(Times.NONE);
    advancedUseByUser = toArrays(advanced);
  }

  private static final class MutableUser {
    boolean member;
    Role role;
    String team;
    Instant adminSince;
  }

  /**
   * Facts of this account with occurred_at <= T, in timeline order (occurred_at, then event_id),
   * one per event_id. Sorting here rather than trusting the caller is what makes arrival order
   * irrelevant.
   */
  private static List<UsageFact> visibleFacts(String accountId, List<UsageFact> all, Instant asOf) {
    List<UsageFact> sorted = new ArrayList<>(all.size());
    for (UsageFact f : all) {
      if (!f.occurredAt().isAfter(asOf) && f.accountId().equals(accountId)) {
        sorted.add(f);
      }
    }
    sorted.sort(UsageFact.TIMELINE_ORDER);
    Set<String> seen = new HashSet<>();
    List<UsageFact> out = new ArrayList<>(sorted.size());
    for (UsageFact f : sorted) {
      if (seen.add(f.eventId())) {
        out.add(f);
      }
    }
    return out;
  }

  private static Instant activationInstant(
      Map<String, Instant> firstActivityPerUser,
      List<Instant> workflowTimes,
      EngineSettings settings) {
    Instant users = null;
    if (settings.activationMinActiveUsers() > 0) {
      List<Instant> firsts = firstActivityPerUser.values().stream().sorted().toList();
      if (firsts.size() < settings.activationMinActiveUsers()) {
        return null;
      }
      users = firsts.get(settings.activationMinActiveUsers() - 1);
    }
    Instant work = null;
    if (settings.activationMinWorkflows() > 0) {
      if (workflowTimes.size() < settings.activationMinWorkflows()) {
        return null;
      }
      work = workflowTimes.get(settings.activationMinWorkflows() - 1);
    }
    if (users == null && work == null) {
      return Instant.EPOCH; // no requirement configured: every account counts as activated
    }
    if (users == null) {
      return work;
    }
    return work == null || users.isAfter(work) ? users : work;
  }

  private Segment segmentAt(Instant t) {
    String core = settings.coreProductKey();
    Subscription coreSub = null;
    Set<String> entitled = new HashSet<>();
    Set<String> owned = new HashSet<>();
    for (Subscription s : account.effectiveSubscriptions(t)) {
      owned.add(s.productKey());
      catalog.plan(s.planKey()).ifPresent(p -> entitled.addAll(p.entitledFeatureKeys()));
      if (s.productKey().equals(core)) {
        coreSub = s;
      }
    }
    Plan corePlan = coreSub == null ? null : catalog.plan(coreSub.planKey()).orElse(null);
    int capacity =
        coreSub == null
            ? 0
            : Math.max(coreSub.seatsPurchased(), corePlan == null ? 0 : corePlan.includedSeats());
    return new Segment(coreSub, corePlan, capacity, Set.copyOf(entitled), Set.copyOf(owned));
  }

  // ================================ queries at an instant t <= T
  // ========================================

  /**
   * The account's first record: its earliest fact, subscription or signup (T when it has none).
   * Every condition is constant before it, since all its sources are these records.
   */
  Instant origin() {
    Instant first = asOf;
    if (!facts.isEmpty() && facts.getFirst().occurredAt().isBefore(first)) {
      first = facts.getFirst().occurredAt();
    }
    if (segmentStarts.length > 0 && segmentStarts[0].isBefore(first)) {
      first = segmentStarts[0];
    }
    Instant signup = account.signupTime();
    return signup != null && signup.isBefore(first) ? signup : first;
  }

  /**
   * Identifies the facts that occurred before {@code t}: their number and a hash of their ids and
   * instants in timeline order. Facts are only ever added, so an unchanged mark means an unchanged
   * history before t.
   */
  HistoryMark historyBefore(Instant t) {
    long hash = 17;
    int n = 0;
    for (UsageFact f : facts) {
      if (!f.occurredAt().isBefore(t)) {
        break;
      }
      hash = 31 * (31 * hash + f.eventId().hashCode()) + f.occurredAt().hashCode();
      n++;
    }
    return new HistoryMark(n, hash);
  }

  /** See {@link #historyBefore}. */
  record HistoryMark(int facts, long hash) {}

  Segment segment(Instant t) {
    int i = Times.countAtOrBefore(segmentStarts, t) - 1;
    return i < 0 ? Segment.NONE : segments[i];
  }

  Instant[] subscriptionChanges() {
    return segmentStarts;
  }

  int seatsUsed(Instant t) {
    return seatsUsed.at(t);
  }

  Instant[] membershipTimes() {
    return membershipTimes;
  }

  int capacity(Instant t) {
    return segment(t).capacity();
  }

  /** Distinct users with an activity event in {@code (t − window, t]} (removed users count). */
  int activeUsers(Instant t, Duration window) {
    return distinctActive(window).at(t);
  }

  /** Change instants of {@link #activeUsers} for this window. */
  Instant[] activeUsersChanges(Duration window) {
    return distinctActive(window).changeTimes();
  }

  /**
   * A user counts at t iff some activity lies in (t − w, t], i.e. t is in the union of [a, a + w)
   * over the user's activities; summing those unions once gives the count at every instant as one
   * step function.
   */
  private StepFunction distinctActive(Duration window) {
    return distinctActiveCache.computeIfAbsent(
        window,
        w -> {
          Map<Instant, Integer> deltas = new HashMap<>();
          for (Instant[] times : userActivity.values()) {
            Instant start = null;
            Instant end = null;
            for (Instant a : times) {
              if (end != null && !a.isAfter(end)) {
                end = a.plus(w);
                continue;
              }
              if (start != null) {
                deltas.merge(start, 1, Integer::sum);
                deltas.merge(end, -1, Integer::sum);
              }
              start = a;
              end = a.plus(w);
            }
            if (start != null) {
              deltas.merge(start, 1, Integer::sum);
              deltas.merge(end, -1, Integer::sum);
            }
          }
          return StepFunction.ofDeltas(deltas);
        });
  }

  Instant[] activityTimes() {
    return activityTimes;
  }

  /**
   * Start of the first of the last {@code dates} UTC dates ending with t's date (today partial).
   */
  static Instant firstDateStart(Instant t, long dates) {
    return Times.startOfDay(t).minus(Duration.ofDays(dates - 1));
  }

  /**
   * Dates among the last {@code dates} (today−(dates−1) … today) on which the account was active by
   * t.
   */
  int activeDates(Instant t, long dates) {
    return Times.countAtOrBefore(accountDayFirsts, t)
        - Times.countBefore(accountDayFirsts, firstDateStart(t, dates));
  }

  Instant[] accountDayFirsts() {
    return accountDayFirsts;
  }

  /** Same as {@link #activeDates} for one user. */
  int userActiveDates(String userId, Instant t, long dates) {
    Instant[] days = userDayFirsts.getOrDefault(userId, Times.NONE);
    return Times.countAtOrBefore(days, t) - Times.countBefore(days, firstDateStart(t, dates));
  }

  Map<String, Instant[]> userDayFirsts() {
    return userDayFirsts;
  }

  /**
   * Integer engagement 0–100, exactly: round_half_up(60·min(1, a/max(1,u)) + 40·d/28) in integers.
   */
  int engagement(Instant t) {
    long active = activeUsers(t, Duration.ofDays(7));
    long seats = Math.max(1, seatsUsed(t));
    long days = activeDates(t, 28);
    long numerator = 60 * Math.min(active, seats) * 28 + 40 * days * seats;
    long denominator = 28 * seats;
    return (int) ((2 * numerator + denominator) / (2 * denominator));
  }

  Instant activatedAt() {
    return activatedAt;
  }

  boolean activatedAt(Instant t) {
    return activatedAt != null && !activatedAt.isAfter(t);
  }

  /**
   * Premium attempts in (t − window, t]: candidates (not entitled when they happened) whose feature
   * is still not entitled at t. Counting per feature keeps it O(features · log n).
   */
  int premiumAttempts(Instant t, Duration window) {
    Set<String> entitledNow = segment(t).entitled();
    int total = 0;
    for (Map.Entry<String, Instant[]> e : premiumCandidatesByFeature.entrySet()) {
      if (!entitledNow.contains(e.getKey())) {
        total += Times.countInWindow(e.getValue(), t, window);
      }
    }
    return total;
  }

  /** Features with at least one premium attempt in (t − window, t], sorted by key. */
  List<String> attemptedFeatures(Instant t, Duration window) {
    Set<String> entitledNow = segment(t).entitled();
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Instant[]> e : premiumCandidatesByFeature.entrySet()) {
      if (!entitledNow.contains(e.getKey()) && Times.countInWindow(e.getValue(), t, window) > 0) {
        out.add(e.getKey());
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  Instant[] premiumCandidateTimes() {
    return premiumCandidateTimes;
  }

  /**
   * A meter's value at t: SUM = max(month-to-date, previous calendar month's total) so an account
   * steadily at its limit is not reset on the 1st; LAST = the latest quantity (0 without one).
   */
  BigDecimal meterValue(String meterKey, Instant t) {
    Series s = meters.get(meterKey);
    if (s == null) {
      return BigDecimal.ZERO;
    }
    if (aggregation(meterKey) == Aggregation.LAST) {
      BigDecimal latest = s.latest(t);
      return latest == null ? BigDecimal.ZERO : latest;
    }
    Instant monthStart = Times.startOfMonth(t);
    BigDecimal monthToDate = s.sumClosed(monthStart, t);
    BigDecimal previousMonth =
        s.sumClosed(Times.previousMonthStart(monthStart), monthStart.minusNanos(1));
    return monthToDate.max(previousMonth);
  }

  /** Unknown meters are summed: monthly SUM is the common case and never loses usage. */
  Aggregation aggregation(String meterKey) {
    return catalog.meter(meterKey).map(Catalog.Meter::aggregation).orElse(Aggregation.SUM);
  }

  Instant[] meterTimes(String meterKey) {
    Series s = meters.get(meterKey);
    return s == null ? Times.NONE : s.times();
  }

  /** Every meter key with facts, sorted. */
  List<String> meterKeysWithFacts() {
    return meters.keySet().stream().sorted().toList();
  }

  Series apiUsage() {
    return apiUsage;
  }

  Instant[] friction() {
    return friction;
  }

  Instant[] growthExternal() {
    return growthExternal;
  }

  Instant[] workflows() {
    return workflows;
  }

  Instant[] teamFirstSeen() {
    return teamFirstSeen;
  }

  /** Non-empty team names first seen in (t − window, t]. */
  int newTeams(Instant t, Duration window) {
    return Times.countInWindow(teamFirstSeen, t, window);
  }

  /**
   * OWNER/ADMIN members at t who became one (from non-member or non-admin role) in (t − window, t].
   */
  int newAdmins(Instant t, Duration window) {
    Instant from = t.minus(window);
    int n = 0;
    for (UserHistory h : users.values()) {
      Instant since = h.adminSinceAt(t);
      if (since != null && since.isAfter(from)) {
        n++;
      }
    }
    return n;
  }

  /** Members at t whose first-ever USER_ADDED lies in (t − window, t]: a re-add is not new. */
  int newUsers(Instant t, Duration window) {
    Instant from = t.minus(window);
    int n = 0;
    for (UserHistory h : users.values()) {
      if (h.firstAdded != null
          && h.firstAdded.isAfter(from)
          && !h.firstAdded.isAfter(t)
          && h.memberAt(t)) {
        n++;
      }
    }
    return n;
  }

  /** The user's team as of t (latest USER_ADDED / USER_ROLE_CHANGED that set it), null for none. */
  String teamOf(String userId, Instant t) {
    UserHistory h = users.get(userId);
    return h == null ? null : h.teamAt(t);
  }

  Map<String, Instant[]> advancedUseByUser() {
    return advancedUseByUser;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Map<String, Instant[]> toArrays(Map<String, List<Instant>> lists) {
    Map<String, Instant[]> out = new HashMap<>();
    lists.forEach((k, v) -> out.put(k, v.toArray(Times.NONE)));
    return out;
  }
}
