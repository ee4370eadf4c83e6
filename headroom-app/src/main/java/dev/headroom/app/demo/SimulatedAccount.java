package dev.headroom.app.demo;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.plugin.Surface;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;

/**
 * One customer account of the simulated host: its plan, its people and how they use the product. It
 * produces the usage events a host backend would send for one day, and changes its plan when it
 * buys an expansion.
 */
final class SimulatedAccount {
  private static final List<String> TEAMS =
      List.of("Engineering", "Sales", "Marketing", "Support", "Finance", "Operations", "Design");
  private static final List<String> WANTED_FEATURES =
      List.of(DemoCatalog.ADVANCED_ANALYTICS, DemoCatalog.SSO, DemoCatalog.AUDIT_LOG);

  /** A person of the account; {@code activity} is the chance they use the product on a weekday. */
  record Member(String userId, String role, String team, double activity) {}

  /**
   * What changes about an account as the simulation runs (everything else follows from the seed):
   * its plan and seats, its people, and how many of them it ever had.
   */
  record State(
      String plan,
      int seats,
      boolean analytics,
      long arrCents,
      int usersCreated,
      List<Member> members) {}

  /**
   * A moment of the day at which the host asks for a prompt: a user hitting a paywall (feature use)
   * or the owner opening the home page.
   */
  record Moment(String userId, String featureKey, Surface surface) {}

  /**
   * The plan, seats and people an account starts with. The users are drawn after the seats, from
   * the same random sequence, so the persona's draws stay in one fixed order.
   */
  private record Start(String plan, int seats, int users) {
    static Start of(String plan, int seats, IntUnaryOperator usersForSeats) {
      return new Start(plan, seats, usersForSeats.applyAsInt(seats));
    }

    /**
     * {@code seatsFrom} plus up to {@code seatsRange - 1} seats, of which {@code freeFrom} plus up
     * to {@code freeRange - 1} are still free.
     */
    static Start nearlyFull(
        SplittableRandom r,
        String plan,
        int seatsFrom,
        int seatsRange,
        int freeFrom,
        int freeRange) {
      return of(plan, seatsFrom + r.nextInt(seatsRange), s -> s - freeFrom - r.nextInt(freeRange));
    }
  }

  /** Days of API usage the accounts already had before the simulation starts. */
  private static final int API_HISTORY_DAYS = 63;

  final String accountId;
  final String name;
  final Persona persona;
  final int index;
  final String crmOwner;
  private final long seed;
  private final Instant signup;
  private final Instant simulationStart;
  private final List<Member> members = new ArrayList<>();
  private final String wantedFeature;
  private final int fundingDay;
  private final double apiLevel;
  private final long apiAllowance;
  private String plan;
  private int seats;
  private boolean analytics;
  private long arrCents;
  private int usersCreated;
  private List<Moment> moments = List.of();

  SimulatedAccount(long seed, int index, Persona persona, Instant simulationStart) {
    this.seed = seed;
    this.index = index;
    this.persona = persona;
    this.simulationStart = simulationStart;
    this.accountId = String.format(java.util.Locale.ROOT, "acct-%05d", index);
    SplittableRandom r = Randoms.of(seed, index);
    this.name = CompanyNames.pick(r) + " (" + accountId + ")";
    // Signed up more than 90 days ago, so team growth has a baseline from the first simulated day.
    this.signup = simulationStart.minus(Duration.ofDays(91 + r.nextInt(90)));
    this.wantedFeature = WANTED_FEATURES.get(r.nextInt(WANTED_FEATURES.size()));
    this.fundingDay = persona == Persona.ENTERPRISE_READY ? 3 + r.nextInt(40) : -1;
    this.apiLevel = 0.1 + 0.3 * r.nextDouble();
    this.crmOwner =
        persona == Persona.REP_OWNED || (persona == Persona.ENTERPRISE_READY && r.nextBoolean())
            ? "rep-" + (1 + r.nextInt(6)) + "@host.example"
            : "";
    Start start =
        switch (persona) {
          case SEAT_GROWER ->
              Start.of(DemoCatalog.TEAM, 10 + r.nextInt(11), s -> (int) Math.round(s * 0.65));
          case PREMIUM_SEEKER -> Start.nearlyFull(r, DemoCatalog.TEAM, 6, 8, 2, 3);
          case API_INTEGRATOR ->
              Start.nearlyFull(
                  r, r.nextInt(3) == 0 ? DemoCatalog.BUSINESS : DemoCatalog.TEAM, 5, 6, 1, 2);
          case ENTERPRISE_READY -> Start.nearlyFull(r, DemoCatalog.BUSINESS, 32, 14, 2, 4);
          case REP_OWNED -> Start.nearlyFull(r, DemoCatalog.BUSINESS, 14, 12, 3, 4);
          case STEADY ->
              Start.of(
                  r.nextInt(4) == 0 ? DemoCatalog.BUSINESS : DemoCatalog.TEAM,
                  6 + r.nextInt(10),
                  s -> (int) Math.round(s * (0.4 + 0.3 * r.nextDouble())));
          case STAGNANT -> Start.of(DemoCatalog.TEAM, 8 + r.nextInt(8), s -> 3 + r.nextInt(2));
          case TRIAL -> Start.of(DemoCatalog.FREE, 0, s -> 1 + r.nextInt(3));
        };
    this.plan = start.plan();
    this.seats = start.seats();
    int initialUsers = start.users();
    this.arrCents = annualPrice();
    this.apiAllowance = DemoCatalog.API_CALLS_LIMIT.get(plan);
    for (int i = 0; i < initialUsers; i++) {
      members.add(newMember(r, i == 0 ? "OWNER" : i == 1 ? "ADMIN" : "MEMBER"));
    }
  }

  private Member newMember(SplittableRandom r, String role) {
    usersCreated++;
    double base =
        switch (persona) {
          case SEAT_GROWER, PREMIUM_SEEKER, ENTERPRISE_READY -> 0.5;
          case REP_OWNED, API_INTEGRATOR -> 0.45;
          case STEADY -> 0.35;
          case TRIAL -> 0.3;
          case STAGNANT -> 0.08;
        };
    // The first people of an engaged account work in the product nearly every day.
    boolean engaged =
        persona != Persona.STEADY && persona != Persona.TRIAL && persona != Persona.STAGNANT;
    if (engaged && usersCreated <= 3) {
      return new Member(accountId + "-u" + usersCreated, role, TEAMS.get(0), 0.95);
    }
    // Every account has people who rarely log in, so engagement is rarely perfect; the accounts a
    // rep already looks after are the exception, and the natural candidates for a cross-sell.
    double dormantShare = persona == Persona.REP_OWNED ? 0.1 : 0.4;
    double activity = r.nextDouble() < dormantShare ? base * 0.05 : base;
    int teams = persona == Persona.ENTERPRISE_READY || persona == Persona.REP_OWNED ? 5 : 2;
    return new Member(accountId + "-u" + usersCreated, role, TEAMS.get(r.nextInt(teams)), activity);
  }

  private long annualPrice() {
    long base = DemoCatalog.ENTERPRISE.equals(plan) ? DemoCatalog.ENTERPRISE_BASE_PRICE : 0;
    long analyticsPrice = analytics ? DemoCatalog.ANALYTICS_STARTER_BASE_PRICE : 0;
    return (base + DemoCatalog.SEAT_PRICE.get(plan) * seats + analyticsPrice) * 12;
  }

  State state() {
    return new State(plan, seats, analytics, arrCents, usersCreated, List.copyOf(members));
  }

  /** Takes up the state {@link #state()} gave, as at the end of the day it was taken. */
  void restore(State state) {
    plan = state.plan();
    seats = state.seats();
    analytics = state.analytics();
    arrCents = state.arrCents();
    usersCreated = state.usersCreated();
    members.clear();
    members.addAll(state.members());
  }

  /** The account as the host's backend registers it. */
  Account registration() {
    Account.Builder a =
        Account.newBuilder()
            .setAccountId(accountId)
            .setName(name)
            .setCurrencyCode(DemoCatalog.CURRENCY)
            .setArr(DemoCatalog.usd(arrCents))
            .setLocale("en-US")
            .setRegion(index % 3 == 0 ? "EMEA" : index % 3 == 1 ? "NA" : "APAC")
            .setCrmOwner(crmOwner)
            .setSignupTime(ts(signup))
            .addSubscriptions(subscription(DemoCatalog.CORE, plan, seats, signup));
    return a.build();
  }

  /** The users the account had before the simulation starts, added at signup. */
  List<UsageEvent> history() {
    List<UsageEvent> events = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      events.add(
          event(
              "h-" + i,
              m.userId(),
              signup.plusSeconds(60L * i),
              "USER_ADDED",
              Map.of("role", m.role(), "team", m.team())));
    }
    // The API usage of the weeks before: without it every account's usage would seem to grow from
    // nothing once the simulation starts (API_CONSUMPTION_GROWTH compares 30 days with the 30
    // before).
    for (int day = -API_HISTORY_DAYS; day < 0; day++) {
      long calls = apiCalls(day, Randoms.of(seed, index, day));
      if (calls > 0) {
        events.add(apiMeter("h-api" + day, simulationStart.plus(Duration.ofDays(day)), calls));
      }
    }
    return events;
  }

  /** The moments of the last simulated day at which the host asked for a prompt. */
  List<Moment> moments() {
    return moments;
  }

  /** The account's current members: the seats its users take. */
  int seatsUsed() {
    return members.size();
  }

  /** The usage of simulated day {@code day} (0-based) that starts at {@code dayStart}. */
  List<UsageEvent> day(int day, Instant dayStart) {
    SplittableRandom r = Randoms.of(seed, index, day);
    DayOfWeek weekday = dayStart.atOffset(ZoneOffset.UTC).getDayOfWeek();
    double factor = weekday == DayOfWeek.SATURDAY || weekday == DayOfWeek.SUNDAY ? 0.25 : 1.0;
    DayLog log = new DayLog(day, dayStart, r);
    List<Moment> asked = new ArrayList<>();
    Member owner = members.isEmpty() ? null : members.get(0);
    for (Member m : List.copyOf(members)) {
      if (r.nextDouble() >= m.activity() * factor) {
        continue;
      }
      Instant at = workingHours(r, dayStart);
      log.add(m.userId(), at, "USER_ACTIVE", Map.of());
      // The owner looks at the home page about once a week.
      if (m.equals(owner) && (day + index) % 7 == 0) {
        asked.add(new Moment(m.userId(), "", Surface.HOME));
      }
      if (r.nextDouble() < premiumReach()) {
        String feature = persona == Persona.TRIAL ? "automations" : wantedFeature;
        boolean entitled = DemoCatalog.entitles(plan, feature);
        log.add(
            m.userId(),
            at.plusSeconds(30),
            entitled ? "FEATURE_USED" : "PAYWALL_HIT",
            Map.of("feature_key", feature));
        if (!entitled) {
          asked.add(new Moment(m.userId(), feature, Surface.FEATURE_USE));
        }
      }
    }
    double workflows =
        factor
            * switch (persona) {
              case SEAT_GROWER, API_INTEGRATOR -> 2.0;
              case PREMIUM_SEEKER -> 1.5;
              case ENTERPRISE_READY -> 4.0;
              case REP_OWNED -> 3.0;
              case STEADY -> 1.0;
              case STAGNANT -> 0.1;
              case TRIAL -> 0.0;
            };
    for (int i = Randoms.around(r, workflows); i > 0 && !members.isEmpty(); i--) {
      Member m = members.get(r.nextInt(members.size()));
      log.atWork(m.userId(), "WORKFLOW_COMPLETED", Map.of("workflow_key", "weekly_report"));
    }
    apiUsage(log);
    growth(log, asked);
    moments = List.copyOf(asked);
    return log.events;
  }

  /**
   * Chance per active user and day of reaching for the premium feature the account wants: premium
   * seekers do it all the time, trials try automations, engaged teams now and then.
   */
  private double premiumReach() {
    return switch (persona) {
      case PREMIUM_SEEKER -> 0.22;
      case TRIAL -> 0.15;
      case SEAT_GROWER, API_INTEGRATOR, ENTERPRISE_READY, REP_OWNED, STEADY -> 0.02;
      case STAGNANT -> 0;
    };
  }

  private void apiUsage(DayLog log) {
    SplittableRandom r = log.random;
    long calls = apiCalls(log.day, r);
    if (calls > 0) {
      log.events.add(apiMeter(log.nextId(), log.start.plusSeconds(23 * 3600), calls));
    }
    if (persona == Persona.API_INTEGRATOR && log.day > 30 && r.nextDouble() < 0.12) {
      // The time is drawn before the kind and the payload.
      Instant at = workingHours(r, log.start);
      log.add(
          members.get(0).userId(),
          at,
          r.nextBoolean() ? "SUPPORT_TICKET" : "INTEGRATION_REQUESTED",
          r.nextBoolean()
              ? Map.of("category", "INTEGRATION", "integration_key", "salesforce")
              : Map.of("integration_key", "snowflake", "category", "AUTOMATION"));
    }
  }

  /**
   * The API calls the account makes on simulated day {@code day} (negative before the simulation),
   * or 0 when it sends none that day. Only the integrators grow: they start at about half the
   * plan's monthly allowance and grow 1.5% a day, so their calls of a month overtake the limit
   * within the quarter and each 30 days is 1.5x the one before. Everyone else syncs a week of calls
   * at once, well inside the allowance and at a steady level of their own. The level is sized on
   * the plan the account had when the simulation started: buying a bigger plan buys headroom, it
   * does not make the account call the API more.
   */
  private long apiCalls(int day, SplittableRandom r) {
    long limit = apiAllowance;
    if (persona == Persona.API_INTEGRATOR) {
      double level = 0.55 * Math.pow(1.015, day);
      return Math.round(limit / 30.0 * level * (0.9 + 0.2 * r.nextDouble()));
    }
    if (Math.floorMod(day, 7) == 6 && persona != Persona.TRIAL && persona != Persona.STAGNANT) {
      return Math.round(limit / 4.3 * apiLevel * (0.95 + 0.1 * r.nextDouble()));
    }
    return 0;
  }

  private UsageEvent apiMeter(String suffix, Instant at, long calls) {
    return event(
        suffix, null, at, "METER", Map.of("meter_key", DemoCatalog.API_CALLS, "quantity", calls));
  }

  private void growth(DayLog log, List<Moment> asked) {
    SplittableRandom r = log.random;
    int day = log.day;
    boolean hires =
        switch (persona) {
          case SEAT_GROWER -> r.nextDouble() < 0.22;
          case ENTERPRISE_READY, REP_OWNED -> r.nextDouble() < 0.06;
          case STEADY -> r.nextDouble() < 0.01;
          default -> false;
        };
    if (hires) {
      Member m = newMember(r, r.nextDouble() < 0.15 ? "ADMIN" : "MEMBER");
      members.add(m);
      log.atWork(m.userId(), "USER_ADDED", Map.of("role", m.role(), "team", m.team()));
      // The owner who invited the new teammate looks at the team's seats on the home page.
      asked.add(new Moment(members.get(0).userId(), "", Surface.HOME));
    }
    if (persona == Persona.SEAT_GROWER && (day == 9 || day == 38)) {
      log.atWork(
          members.get(0).userId(),
          "WORKSPACE_CREATED",
          Map.of("team", "Squad " + (day == 9 ? "North" : "South")));
    }
    if (day == fundingDay) {
      log.add(null, log.start.plusSeconds(8 * 3600), "EXTERNAL", Map.of("type", "FUNDING_ROUND"));
    }
  }

  /**
   * Applies an expansion the account bought.
   *
   * @return the new subscription, to register with the host
   */
  Subscription expand(
      dev.headroom.api.common.v1.ExpansionType type,
      String targetPlan,
      int extraSeats,
      Instant at) {
    int seatsUsed = seatsUsed();
    switch (type) {
      case EXPANSION_TYPE_SEAT_ADD -> seats = Math.max(seats, seatsUsed) + Math.max(1, extraSeats);
      case EXPANSION_TYPE_MULTI_PRODUCT -> {
        analytics = true;
        arrCents = annualPrice();
        return subscription(
            DemoCatalog.ANALYTICS,
            targetPlan.isEmpty() ? DemoCatalog.ANALYTICS_STARTER : targetPlan,
            Math.max(seats, seatsUsed),
            at);
      }
      default -> {
        if (!targetPlan.isEmpty()) {
          plan = targetPlan;
        }
        seats = Math.max(seats, seatsUsed);
      }
    }
    arrCents = annualPrice();
    return subscription(DemoCatalog.CORE, plan, seats, at);
  }

  Money arr() {
    return DemoCatalog.usd(arrCents);
  }

  /** The account's core plan now. */
  String plan() {
    return plan;
  }

  long arrCents() {
    return arrCents;
  }

  private static Subscription subscription(String product, String plan, int seats, Instant at) {
    return Subscription.newBuilder()
        .setProductKey(product)
        .setPlanKey(plan)
        .setSeatsPurchased(seats)
        .setSince(ts(at))
        .build();
  }

  private static Instant workingHours(SplittableRandom r, Instant dayStart) {
    return dayStart.plusSeconds(7 * 3600 + r.nextInt(11 * 3600));
  }

  /**
   * One simulated day's events of the account, in the order they are made: their ids count up
   * within the day, so a replayed day sends the same ids again.
   */
  private final class DayLog {
    final int day;
    final Instant start;
    final SplittableRandom random;
    final List<UsageEvent> events = new ArrayList<>();
    private int next;

    DayLog(int day, Instant start, SplittableRandom random) {
      this.day = day;
      this.start = start;
      this.random = random;
    }

    String nextId() {
      return "d" + day + "-" + next++;
    }

    void add(String userId, Instant at, String kind, Map<String, Object> payload) {
      events.add(event(nextId(), userId, at, kind, payload));
    }

    /** An event at a random moment of the working day. */
    void atWork(String userId, String kind, Map<String, Object> payload) {
      add(userId, workingHours(random, start), kind, payload);
    }
  }

  private UsageEvent event(
      String suffix, String userId, Instant at, String kind, Map<String, Object> payload) {
    UsageEvent.Builder e =
        UsageEvent.newBuilder()
            .setEventId(accountId + "-" + suffix)
            .setAccountId(accountId)
            .setOccurredAt(ts(at))
            .setKind(kind)
            .setPayload(struct(payload));
    if (userId != null) {
      e.setUserId(userId);
    }
    return e.build();
  }

  private static Struct struct(Map<String, Object> payload) {
    Struct.Builder s = Struct.newBuilder();
    payload.forEach(
        (k, v) ->
            s.putFields(
                k,
                v instanceof Number n
                    ? Value.newBuilder().setNumberValue(n.doubleValue()).build()
                    : Value.newBuilder().setStringValue(v.toString()).build()));
    return s.build();
  }

  static Timestamp ts(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}
