package dev.headroom.app.demo;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.UsageEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
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
import java.util.function.LongSupplier;

/**
 * Runs the simulated host against a running platform through the services' public gRPC APIs only:
 * catalog and accounts, then day by day the usage events and the revenue team's work, with an
 * evaluation of every account every two simulated weeks; at the end a last evaluation of every
 * account, a wait until scoring has caught up, and the report read back from the services.
 */
final class Simulation {
  /** Simulated days between two evaluations of every account. */
  private static final int EVALUATE_ALL_EVERY_DAYS = 14;

  /** Accounts the host registers, or batches of events it sends, at once. */
  private static final int CALLS_IN_FLIGHT = 2;

  /** Between two retries of an evaluation of every account the busy evaluator turned away. */
  private static final Duration EVALUATION_RETRY = Duration.ofSeconds(2);

  /**
   * Between two looks at scoring-service's backlog (one single-row query, no work for the
   * services).
   */
  private static final Duration BACKLOG_POLL = Duration.ofMillis(100);

  /**
   * A guard: the clock stands still, so a backlog scoring-service has not worked off after this
   * long means something is wrong rather than slow (on a busy 2-core machine, scoring-service can
   * need well over ten minutes to work off the changes of 2,000 accounts).
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
  private final LongSupplier scoringBacklog;
  private final Optional<Path> checkpointFile;

  /**
   * @param crm the reps' CRM; empty when there is none to work in, and the reps then record their
   *     decisions in scoring-service themselves ({@link SalesDesk})
   * @param metricsDebounce how long signal-service may hold back an account's metrics-only change:
   *     after the last evaluation, scoring cannot be final before it has passed
   * @param scoringBacklog the changes signal-service published that scoring-service has not applied
   *     yet
   * @param checkpointFile where the demo records its progress after every simulated day and finds
   *     it again after a restart; empty: the demo cannot resume
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
      Duration metricsDebounce,
      LongSupplier scoringBacklog,
      Optional<Path> checkpointFile) {
    this.options = options;
    this.clock = clock;
    this.signal = signal;
    this.scoring = scoring;
    this.billing = billing;
    this.prompts = prompts;
    this.crm = crm;
    this.progress = progress;
    this.metricsDebounce = metricsDebounce;
    this.scoringBacklog = scoringBacklog;
    this.checkpointFile = checkpointFile;
  }

  DemoReport run() throws InterruptedException {
    long started = System.nanoTime();
    Optional<DemoCheckpoint> resumed = checkpointFile.flatMap(DemoCheckpoint::read);
    resumed.ifPresent(this::requireSameOptions);
    Instant from = resumed.map(c -> Instant.parse(c.from())).orElse(clock.instant());
    List<SimulatedAccount> accounts = Population.create(options.seed(), options.accounts(), from);
    SalesDesk sales = new SalesDesk(options.seed(), accounts, scoring, billing, crm.isPresent());
    Map<String, SimulatedAccount> byId = new LinkedHashMap<>();
    accounts.forEach(a -> byId.put(a.accountId, a));
    long signalChanges = 0;
    int firstDay = 0;
    Stopwatch watch = new Stopwatch();
    try (EventSender sender = new EventSender(signal, CALLS_IN_FLIGHT)) {
      if (resumed.isPresent()) {
        DemoCheckpoint c = resumed.get();
        firstDay = c.daysDone();
        signalChanges = c.signalChanges();
        sender.restore(c.events());
        for (int i = 0; i < accounts.size(); i++) {
          accounts.get(i).restore(c.accountStates().get(i));
        }
        sales.restore(c.sales());
        if (crm.isPresent() && c.crm() != null) {
          crm.get().restore(c.crm());
        }
        prompts.restore(c.prompts());
        billing.restorePending(pendingOutcomes(c.pendingOutcomes()));
        progress.note(
            String.format(
                Locale.ROOT,
                "demo: resuming after simulated day %d of %d (%,d accounts, from %s)",
                firstDay,
                options.days(),
                accounts.size(),
                from));
      } else {
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
        checkpoint(from, 0, signalChanges, sender, accounts, sales);
      }

      for (int day = firstDay; day < options.days(); day++) {
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
        checkpoint(from, day + 1, signalChanges, sender, accounts, sales);
        watch.lap("checkpoint");
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
      signalChanges += settle();
      watch.lap("scoring catch-up");
      if (crm.isPresent()) {
        // The connector's debounce and outcome polling run on the simulation clock: it writes the
        // final scores and reads the reps' last decisions once the clock has moved on.
        clock.advanceTo(clock.instant().plus(crm.get().catchUp()));
      }

      if (billing.recordPending() > 0) {
        throw new IllegalStateException("scoring-service still does not know accounts that bought");
      }
      progress.note("demo: waiting for the prompt events and the CRM");
      DemoReport.Prompts promptReport = prompts.report();
      watch.lap("prompt events");
      DemoReport.Crm crmReport = crm.isPresent() ? crm.get().summary() : null;
      watch.lap("crm catch-up");

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

  private void requireSameOptions(DemoCheckpoint c) {
    if (c.seed() != options.seed()
        || c.accounts() != options.accounts()
        || c.days() != options.days()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the data directory holds a demo of --accounts %d --days %d --seed %d: resume it with"
                  + " these options, or start the demo on an empty data directory",
              c.accounts(),
              c.days(),
              c.seed()));
    }
  }

  /**
   * Records, when the demo has a data directory, what it needs to carry on from the end of day
   * {@code daysDone} after its process died. The plugin delivers its prompt events first, so the
   * counts recorded are final.
   */
  private void checkpoint(
      Instant from,
      int daysDone,
      long signalChanges,
      EventSender sender,
      List<SimulatedAccount> accounts,
      SalesDesk sales)
      throws InterruptedException {
    if (checkpointFile.isEmpty()) {
      return;
    }
    List<byte[]> pending = new ArrayList<>();
    billing.pending().forEach(r -> pending.add(r.toByteArray()));
    new DemoCheckpoint(
            options.seed(),
            options.accounts(),
            options.days(),
            from.toString(),
            daysDone,
            clock.instant().toString(),
            signalChanges,
            sender.counts(),
            accounts.stream().map(SimulatedAccount::state).toList(),
            sales.state(),
            crm.map(CrmStep::state).orElse(null),
            prompts.state(),
            pending)
        .write(checkpointFile.get());
  }

  private static List<RecordOutcomeRequest> pendingOutcomes(List<byte[]> stored) {
    List<RecordOutcomeRequest> outcomes = new ArrayList<>();
    for (byte[] bytes : stored) {
      try {
        outcomes.add(RecordOutcomeRequest.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the demo's checkpoint holds a damaged outcome", e);
      }
    }
    return outcomes;
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
        Thread.sleep(EVALUATION_RETRY.toMillis());
      }
    }
  }

  /**
   * Waits until scoring-service has applied every change signal-service has to announce for the
   * last simulated instant. The clock stands still now: the only announcements still to come are
   * the metrics changes signal-service held back, each at most one debounce window after the last
   * evaluation. Once that window has passed, one more evaluation of every account is a barrier
   * (held-back changes were marked when their window ended and come out of that pass at the latest;
   * nothing new is held back, as no metric changed since); after it the change feed's head is
   * final, and scoring has caught up once its stored cursor reaches that head.
   */
  private long settle() throws InterruptedException {
    Thread.sleep(metricsDebounce.toMillis());
    long changed = evaluateAll();
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    while (scoringBacklog.getAsLong() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "scoring-service did not catch up within " + SETTLE_LIMIT.toMinutes() + " minutes");
      }
      Thread.sleep(BACKLOG_POLL.toMillis());
    }
    return changed;
  }
}
