package dev.headroom.app.demo;

import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.UsageEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the simulated host against a running platform through the services' public gRPC APIs only:
 * catalog and accounts, then day by day the usage events and the revenue team's work, with an
 * evaluation of every account every two simulated weeks; at the end a last evaluation of every
 * account, a wait until scoring has caught up, and the report read back from the services.
 */
final class Simulation {
  /** Simulated days between two evaluations of every account. */
  private static final int EVALUATE_ALL_EVERY_DAYS = 14;

  /** Accounts the host registers at once. */
  private static final int REGISTRATIONS_IN_FLIGHT = 2;

  /**
   * Between two reads of every score while waiting for scoring: each read is itself work for
   * scoring-service, so not much more often than it takes.
   */
  private static final Duration SETTLE_POLL = Duration.ofSeconds(2);

  /**
   * A guard: the clock stands still, so scores that still change after this long mean something is
   * wrong rather than slow (on a busy 2-core machine, scoring-service can need well over ten
   * minutes to work off the changes of 2,000 accounts).
   */
  private static final Duration SETTLE_LIMIT = Duration.ofMinutes(30);

  private final DemoOptions options;
  private final SimulationClock clock;
  private final SignalServiceBlockingStub signal;
  private final ScoringServiceBlockingStub scoring;
  private final HostBilling billing;
  private final PromptStep prompts;
  private final Optional<CrmStep> crm;
  private final Progress progress;
  private final Duration metricsDebounce;

  /**
   * @param crm the reps' CRM; empty when there is none to work in, and the reps then record their
   *     decisions in scoring-service themselves ({@link SalesDesk})
   * @param metricsDebounce how long signal-service may hold back an account's metrics-only change:
   *     after the last evaluation, scoring cannot be final before it has passed
   */
  Simulation(
      DemoOptions options,
      SimulationClock clock,
      SignalServiceBlockingStub signal,
      ScoringServiceBlockingStub scoring,
      HostBilling billing,
      PromptStep prompts,
      Optional<CrmStep> crm,
      Progress progress,
      Duration metricsDebounce) {
    this.options = options;
    this.clock = clock;
    this.signal = signal;
    this.scoring = scoring;
    this.billing = billing;
    this.prompts = prompts;
    this.crm = crm;
    this.progress = progress;
    this.metricsDebounce = metricsDebounce;
  }

  DemoReport run() throws InterruptedException {
    long started = System.nanoTime();
    Instant from = clock.instant();
    List<SimulatedAccount> accounts = Population.create(options.seed(), options.accounts(), from);
    SalesDesk sales = new SalesDesk(options.seed(), accounts, scoring, billing, crm.isPresent());
    Map<String, SimulatedAccount> byId = new LinkedHashMap<>();
    accounts.forEach(a -> byId.put(a.accountId, a));
    long signalChanges = 0;
    Stopwatch watch = new Stopwatch();
    try (EventSender sender = new EventSender(signal, REGISTRATIONS_IN_FLIGHT)) {
      progress.note(
          String.format(
              Locale.ROOT,
              "demo: catalog and %,d accounts, then %d simulated days from %s",
              accounts.size(),
              options.days(),
              from));
      DemoCatalog.install(signal);
      prompts.setUp();
      sender.register(accounts.stream().map(SimulatedAccount::registration).toList());
      List<UsageEvent> history = new ArrayList<>();
      for (SimulatedAccount a : accounts) {
        history.addAll(a.history());
      }
      watch.lap("catalog and accounts");
      sender.send(history);
      watch.lap("ingest");

      for (int day = 0; day < options.days(); day++) {
        Instant dayStart = from.plus(Duration.ofDays(day));
        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        // The host sends the day's events while the clock still stands at the day's start:
        // signal-service keeps events up to 24 h ahead and counts them once the clock reaches
        // them, so whatever it evaluates meanwhile sees whole days only, never half of one.
        List<UsageEvent> events = new ArrayList<>();
        for (SimulatedAccount a : accounts) {
          events.addAll(a.day(day, dayStart));
        }
        watch.lap("usage model");
        sender.send(events);
        watch.lap("ingest");
        clock.advanceTo(dayEnd);
        // Accounts with new events are evaluated in the background as often as the evaluator gets
        // to them (evaluations of one account coalesce: the further the evaluator lags, the less
        // work per simulated day). Every two weeks of simulated time every account is evaluated
        // and the simulation waits for it: windows slide and sustain periods elapse on quiet
        // accounts too, and the host never runs so far ahead of the evaluator that the revenue
        // team works from month-old scores. Waiting every week doubles these full evaluations
        // (2,000 accounts each), every day multiplies them by fourteen.
        if ((day + 1) % EVALUATE_ALL_EVERY_DAYS == 0) {
          signalChanges += evaluateAll();
        }
        watch.lap("evaluation");
        prompts.dayPassed(day, dayEnd, accounts);
        watch.lap("prompts");
        sales.workDay(day, dayEnd);
        billing.recordPending();
        watch.lap("sales");
        if (crm.isPresent()) {
          crm.get().dayPassed(day, dayEnd, byId);
        }
        watch.lap("crm");
        SalesDesk.Tally t = tally(sales);
        progress.update(
            day + 1,
            String.format(
                Locale.ROOT,
                "%,d events  %,d signal changes  %d won  %d lost",
                sender.sent(),
                signalChanges,
                t.dealsWon() + t.selfServePurchases() + prompts.purchases(),
                t.dealsLost()));
      }
      progress.finish();
      progress.note("demo: evaluating every account at the end of the last simulated day");
      signalChanges += evaluateAll();
      watch.lap("evaluation");
      progress.note("demo: waiting for scoring to catch up");
      settle();
      if (crm.isPresent()) {
        // The connector's debounce and outcome polling run on the simulation clock: it writes the
        // final scores and reads the reps' last decisions once the clock has moved on.
        clock.advanceTo(clock.instant().plus(crm.get().catchUp()));
      }
      watch.lap("settle");

      if (billing.recordPending() > 0) {
        throw new IllegalStateException("scoring-service still does not know accounts that bought");
      }
      progress.note("demo: waiting for the prompt events and the CRM");
      DemoReport.Prompts promptReport = prompts.report();
      DemoReport.Crm crmReport = crm.isPresent() ? crm.get().summary() : null;
      watch.lap("settle");

      ReportReader reader = new ReportReader(signal, scoring);
      Map<String, String> names = new LinkedHashMap<>();
      Map<String, Integer> personas = new TreeMap<>();
      for (SimulatedAccount a : accounts) {
        names.put(a.accountId, a.name);
        personas.merge(a.persona.name(), 1, Integer::sum);
      }
      SalesDesk.Tally t = tally(sales);
      DemoReport.Run run =
          new DemoReport.Run(
              sender.sent(),
              sender.accepted(),
              sender.duplicate(),
              sender.rejected(),
              signalChanges,
              t.dealsOpened(),
              t.dealsWon(),
              t.dealsLost(),
              t.open(),
              t.selfServePurchases(),
              prompts.purchases(),
              (System.nanoTime() - started) / 1e9,
              watch.seconds());
      List<DemoReport.NotRunning> notRunning = new ArrayList<>();
      if (crm.isEmpty()) {
        notRunning.add(
            new DemoReport.NotRunning(
                "CRM sync summary",
                "no local CRM stand-in: a real CRM connection is configured and the demo leaves"
                    + " it alone; sales reps worked scoring-service's pipeline directly and their"
                    + " won/lost decisions went to RecordOutcome"));
      }
      return new DemoReport(
          from.toString(),
          clock.instant().toString(),
          options,
          run,
          personas,
          reader.accountsByBand(),
          reader.topAccounts(names),
          reader.signalsByType(List.copyOf(names.keySet())),
          reader.signalPerformance(),
          reader.outcomes(),
          promptReport,
          crmReport,
          notRunning);
    }
  }

  /** What the reps did: in the CRM when there is one, else at the sales desk. */
  private SalesDesk.Tally tally(SalesDesk sales) {
    SalesDesk.Tally desk = sales.tally();
    if (crm.isEmpty()) {
      return desk;
    }
    SalesDesk.Tally reps = crm.get().tally();
    return new SalesDesk.Tally(
        reps.dealsOpened(),
        reps.dealsWon(),
        reps.dealsLost(),
        desk.selfServePurchases(),
        reps.open());
  }

  /** Where the run's time went, per step, so a slow run shows what to make lighter. */
  private static final class Stopwatch {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long last = System.nanoTime();

    void lap(String step) {
      long now = System.nanoTime();
      seconds.merge(step, (now - last) / 1e9, Double::sum);
      last = now;
    }

    Map<String, Double> seconds() {
      Map<String, Double> rounded = new LinkedHashMap<>();
      seconds.forEach((k, v) -> rounded.put(k, Math.round(v * 10) / 10.0));
      return rounded;
    }
  }

  /**
   * EvaluateSignals over every account; while the evaluator is still busy with the backlog the
   * service answers UNAVAILABLE (the evaluation goes on in the background) and the call is
   * repeated.
   *
   * @return the signals that changed state
   */
  private int evaluateAll() throws InterruptedException {
    while (true) {
      try {
        return signal
            .withDeadlineAfter(5, TimeUnit.MINUTES)
            .evaluateSignals(EvaluateSignalsRequest.getDefaultInstance())
            .getSignalsChanged();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.RESOURCE_EXHAUSTED) {
          throw e;
        }
        Thread.sleep(SETTLE_POLL.toMillis());
      }
    }
  }

  /**
   * Waits until scoring-service has applied every change signal-service announced for the last
   * simulated instant. The clock stands still now, so the only changes still to come are the
   * metrics announcements signal-service held back (at most one debounce window after the last
   * evaluation) and scoring's work on what it has received: once the debounce has passed, two
   * identical reads of every score a poll apart mean scoring is done.
   */
  private void settle() throws InterruptedException {
    Thread.sleep(metricsDebounce.toMillis());
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    List<Score> previous = allScores();
    while (System.nanoTime() < deadline) {
      Thread.sleep(SETTLE_POLL.toMillis());
      List<Score> current = allScores();
      if (current.equals(previous)) {
        return;
      }
      previous = current;
    }
    throw new IllegalStateException(
        "scoring-service did not catch up within " + SETTLE_LIMIT.toMinutes() + " minutes");
  }

  private List<Score> allScores() {
    return ScorePages.all(scoring, ListScoresRequest.newBuilder());
  }
}
