package dev.headroom.crm.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.headroom.crm.client.CrmCallException;
import dev.headroom.crm.client.OpportunityWrite;
import dev.headroom.crm.client.RecordResult;
import dev.headroom.crm.client.RecordWrite;
import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.crm.db.RuleDao;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.ConnectionSettings;
import dev.headroom.crm.domain.CrmValue;
import dev.headroom.crm.domain.FieldMapping;
import dev.headroom.crm.domain.RecordMapper;
import dev.headroom.crm.rules.ReviewFlag;
import dev.headroom.crm.rules.Rules;
import dev.headroom.crm.rules.WorkflowRule;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.Outbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Jdbi;

/**
 * Sends queued accounts to each enabled connection: leases due rows, maps each account's values,
 * keeps only the fields that differ from what the CRM got last time, upserts them in batches of the
 * API's size, and records every record's result.
 *
 * <p>A record the CRM refuses is retried with backoff and dead-lettered (with the CRM's own
 * message) after {@code maxAttempts}; an outage or throttling that outlasts the HTTP retries
 * charges no attempt: the records stay queued and go out once the CRM answers again. Nothing is
 * acknowledged (removed from the queue) before the CRM accepted it, and a change that arrives while
 * its account is in flight stays queued.
 */
public final class SyncEngine implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SyncEngine.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The shortest idle sleep when a record is due sooner than the poll interval: the retries of
   * refused records come due one by one (their delays have jitter), and waking for each would send
   * a request per record instead of a batch of those due within this window.
   */
  private static final long BATCHING_WINDOW_MILLIS = 250;

  /**
   * @param maxAttempts sends of one record the CRM may refuse before it is dead-lettered
   * @param recordBackoff delay before a refused record is sent again
   * @param outageBackoff delay before records of a failed call are sent again
   * @param outageProbeInterval while a connection's calls fail, records its failures parked are
   *     sent again at the latest this long (with jitter) after the last failure, one batch at a
   *     time, to find out whether the CRM answers again
   * @param batchesPerTick batches per connection before the engine looks at the next one
   * @param actionTurnWhileRecordsWait while account records wait, the rules' actions get one batch
   *     this often
   * @param lease how long a claimed row stays invisible to other workers
   * @param outcomePollInterval how often each connection is asked for closed opportunities
   * @param taskRefireWindow a rule firing again within this long of its last task creates none
   */
  public record Settings(
      Duration pollInterval,
      Duration outcomePollInterval,
      int maxAttempts,
      Backoff recordBackoff,
      Backoff outageBackoff,
      Duration outageProbeInterval,
      int batchesPerTick,
      Duration actionTurnWhileRecordsWait,
      Duration lease,
      Duration retention,
      Duration taskRefireWindow) {}

  /** The outbox stream behind WatchOpportunities. */
  public static final String OPPORTUNITIES_STREAM = "opportunities";

  private final Jdbi jdbi;
  private final Connections connections;
  private final Rules rules;
  private final OpportunityPlanner planner;
  private final Outbox outbox;
  private final OutcomePoller outcomes;
  private final RuleFirings firings;
  private final ActionRunner actions;
  private final SyncMetrics metrics;
  private final Map<String, Instant> lastOutcomePoll = new ConcurrentHashMap<>();
  private final Settings settings;
  private final Clock clock;
  private final Ids ids;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final Map<String, Integer> outageStreak = new ConcurrentHashMap<>();

  /** Per connection, when its actions last had their turn while records waited (nanoTime). */
  private final Map<String, Long> lastActionTurn = new ConcurrentHashMap<>();

  /**
   * Per connection, the records its failed calls parked with the outage backoff. The first call
   * that succeeds after them shows the CRM answers again, and they are made due at once: waiting
   * out a delay that doubled during the outage would hold them long after it ended.
   */
  private final Map<String, Set<String>> parkedByOutage = new ConcurrentHashMap<>();

  /**
   * Per connection in an outage streak, when one batch of the parked records is sent as a probe.
   * The streak's delay doubles (up to {@code outage-retry-max}) so that a long outage is not
   * hammered, but the first success releases every parked record: without a probe, a connection
   * whose records are all parked would learn that the CRM is back only when the longest delay ran
   * out.
   */
  private final Map<String, Instant> probeAt = new ConcurrentHashMap<>();

  /** The probe's delay after a failed call: the probe interval with jitter. */
  private final Backoff probeDelay;

  /** Until when the engine thread may sleep when no connection had more work (set by runOnce). */
  private Instant wakeAt = Instant.MIN;

  private final Thread thread;

  /** Sends the batch requests, so the engine thread prepares and records meanwhile. */
  private final ExecutorService requests =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "crm-sync-requests");
            t.setDaemon(true);
            return t;
          });

  private volatile boolean running = true;
  private Instant lastPrune = Instant.MIN;

  public SyncEngine(
      Jdbi jdbi,
      Connections connections,
      Rules rules,
      Outbox outbox,
      OutcomeSink outcomeSink,
      Settings settings,
      SyncMetrics metrics,
      Clock clock,
      Ids ids) {
    this.metrics = metrics;
    this.firings = new RuleFirings(settings.taskRefireWindow(), clock);
    this.actions = new ActionRunner(jdbi, settings, metrics, clock);
    this.jdbi = jdbi;
    this.connections = connections;
    this.rules = rules;
    this.outbox = outbox;
    this.outcomes = new OutcomePoller(jdbi, outbox, outcomeSink, clock);
    this.planner = new OpportunityPlanner(jdbi, clock);
    this.settings = settings;
    this.clock = clock;
    this.ids = ids;
    this.probeDelay =
        new Backoff(settings.outageProbeInterval(), settings.outageProbeInterval(), 2.0, 0.5);
    this.thread = new Thread(this::loop, "crm-sync");
    this.thread.setDaemon(true);
  }

  public SyncEngine start() {
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      boolean busy = false;
      try {
        busy = runOnce();
        pruneIfDue();
      } catch (RuntimeException e) {
        if (!running) {
          // close() interrupted a tick: the records it claimed stay queued and are sent again when
          // their lease ends, so a shutdown is not a failure to report.
          break;
        }
        LOG.log(Level.WARNING, "sync tick failed; retrying", e);
      }
      if (!busy) {
        try {
          // Until the poll interval, or sooner when a queued record is due sooner (a refused
          // record's retry, a parked record): polling past it would add up to a poll interval to
          // each of its attempts.
          long untilDue = Duration.between(clock.instant(), wakeAt).toMillis();
          Thread.sleep(
              Math.min(
                  settings.pollInterval().toMillis(), Math.max(BATCHING_WINDOW_MILLIS, untilDue)));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** One pass over every enabled connection; true when some connection had more work queued. */
  public boolean runOnce() {
    boolean more = false;
    Instant wake = clock.instant().plus(settings.pollInterval());
    for (ConnectionSettings c : connections.enabled()) {
      if (!running) {
        break;
      }
      String cid = c.connectionId();
      Optional<Connections.Live> live = connections.live(cid);
      if (live.isPresent()) {
        boolean fullBatchesWait = sync(live.get());
        more |= fullBatchesWait;
        pollOutcomes(live.get());
        Optional<Instant> firstDue =
            jdbi.withExtension(SyncDao.class, d -> d.firstDue(cid)).map(OffsetDateTime::toInstant);
        boolean recordsWait = fullBatchesWait || recordsWait(cid, firstDue);
        int actionBatches = recordsWait ? (actionTurnDue(cid) ? 1 : 0) : settings.batchesPerTick();
        if (!live.get().settings().dryRun() && actionBatches > 0) {
          more |= actions.run(live.get(), rules.forConnection(cid), actionBatches);
        }
        if (firstDue.isPresent() && firstDue.get().isBefore(wake)) {
          wake = firstDue.get();
        }
      }
    }
    wakeAt = wake;
    return more;
  }

  /**
   * Whether the connection's account records are waiting to be sent, beyond the full batches of a
   * backlog: records due now or before the actions' next turn (a refused record's retry, the tail
   * of a sync), and records parked by an outage that has not shown to be over. Records due later (a
   * debounce, a long retry delay) do not hold the actions back.
   */
  private boolean recordsWait(String cid, Optional<Instant> firstDue) {
    if (outageStreak.containsKey(cid)) {
      return true;
    }
    Instant horizon = clock.instant().plus(settings.actionTurnWhileRecordsWait());
    return firstDue.isPresent() && !firstDue.get().isAfter(horizon);
  }

  /**
   * Records first: while account records wait (a backlog such as a first sync or a reconcile, the
   * retries of refused records, records parked by an outage), the rules' actions get one batch per
   * {@code actionTurnWhileRecordsWait} of the connection's request budget. The account record is
   * what an action builds on (a task, a deal association or an enrolment needs the company or
   * account in the CRM, and the rep needs its evidence), and the actions run on the engine thread:
   * ten batches of them between two record batches delay every retry of a refused record by seconds
   * and spend an outage's budget on requests that fail too. The turn bounds the wait, so the
   * actions never starve. It is timed in real time, like the request budget it shares.
   */
  private boolean actionTurnDue(String connectionId) {
    long now = System.nanoTime();
    Long last = lastActionTurn.get(connectionId);
    if (last != null && now - last < settings.actionTurnWhileRecordsWait().toNanos()) {
      return false;
    }
    lastActionTurn.put(connectionId, now);
    return true;
  }

  /**
   * Up to {@code batchesPerTick} batches, pipelined: while one batch's request is on its way to the
   * CRM, the engine records the previous batch's results and claims and diffs the next. One request
   * is in flight at a time, and the next claim skips its accounts, so an account's changes reach
   * the CRM in order and no record is in two requests.
   */
  private boolean sync(Connections.Live live) {
    String cid = live.settings().connectionId();
    scheduleReconcile(live.settings());
    probeIfDue(cid, live.client().batchLimit());
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    Map<String, String> tickRuns = new HashMap<>();
    Set<String> failedRuns = new HashSet<>();
    boolean full = false;
    InFlight inFlight = null;
    try {
      for (int b = 0; b < settings.batchesPerTick() && running; b++) {
        Instant now = clock.instant();
        List<SyncDao.PendingRow> claimed =
            new ArrayList<>(
                dao.claim(
                    cid,
                    utc(now),
                    utc(now.plus(settings.lease())),
                    live.client().batchLimit(),
                    inFlight == null ? new String[0] : inFlight.batch().accountIds()));
        full = claimed.size() == live.client().batchLimit();
        if (claimed.isEmpty()) {
          break;
        }
        // Account order: every transaction over queued rows locks them in this order (no
        // deadlocks).
        claimed.sort(java.util.Comparator.comparing(SyncDao.PendingRow::accountId));
        Optional<Batch> next = prepare(live, claimed, tickRuns);
        if (inFlight != null) {
          InFlight answered = inFlight;
          inFlight = null;
          Sent sent = answered.await();
          if (sent.failure() != null) {
            next.ifPresent(n -> release(cid, n));
            recordFailure(live, answered.batch(), sent, tickRuns, failedRuns);
            break;
          }
          inFlight = next.map(n -> send(live, n)).orElse(null);
          recordResults(live, answered.batch(), sent, tickRuns);
        } else {
          inFlight = next.map(n -> send(live, n)).orElse(null);
        }
        if (!full) {
          // Every due record is in this batch. Records that come due while it is on its way (the
          // retries of refused records, one by one) wait for the next tick to go out together,
          // not in a request each.
          break;
        }
      }
    } finally {
      if (inFlight != null) {
        Sent sent = inFlight.await();
        if (sent.failure() != null) {
          recordFailure(live, inFlight.batch(), sent, tickRuns, failedRuns);
        } else {
          recordResults(live, inFlight.batch(), sent, tickRuns);
        }
      }
    }
    Set<String> touched = new HashSet<>(tickRuns.values());
    touched.addAll(dao.unfinishedRuns(cid));
    for (String runId : touched) {
      if (dao.pendingOfRun(runId) == 0) {
        dao.finishRun(runId, failedRuns.contains(runId), utc(clock.instant()));
      }
    }
    return full;
  }

  private void pollOutcomes(Connections.Live live) {
    if (live.settings().dryRun()) {
      return;
    }
    Instant now = clock.instant();
    Instant last = lastOutcomePoll.get(live.settings().connectionId());
    if (last != null && last.plus(settings.outcomePollInterval()).isAfter(now)) {
      return;
    }
    lastOutcomePoll.put(live.settings().connectionId(), now);
    outcomes.poll(live);
  }

  private void scheduleReconcile(ConnectionSettings c) {
    ConnectionDao cdao = jdbi.onDemand(ConnectionDao.class);
    Optional<ConnectionDao.ConnectionRow> row = cdao.find(c.connectionId());
    Instant now = clock.instant();
    if (row.isEmpty()) {
      return;
    }
    OffsetDateTime last = row.get().lastReconcileAt();
    if (last != null && last.toInstant().plus(c.reconcileInterval()).isAfter(now)) {
      return;
    }
    jdbi.useTransaction(
        h -> {
          String runId = ids.next("run-");
          SyncDao dao = h.attach(SyncDao.class);
          dao.insertRun(newRun(runId, c.connectionId(), "SCHEDULED_RECONCILE", null, now));
          dao.enqueueAll(c.connectionId(), "SCHEDULED_RECONCILE", runId, utc(now));
          h.attach(ConnectionDao.class).reconciled(c.connectionId(), utc(now));
        });
  }

  /** A claimed batch with what the CRM should get: the records whose fields changed. */
  private record Batch(
      List<SyncDao.PendingRow> toSend,
      Map<String, AccountValues> values,
      Map<String, SyncDao.SyncedRow> synced,
      Map<String, Diff> diffs,
      List<RecordWrite> writes,
      Map<String, OpportunityWrite> plannedOpps,
      List<WorkflowRule> rules,
      Instant claimedAt) {
    String[] accountIds() {
      return toSend.stream().map(SyncDao.PendingRow::accountId).toArray(String[]::new);
    }
  }

  /**
   * What the CRM answered for a batch: per-record results of the calls that were answered, and the
   * failure that ended the others, if any.
   */
  private record Sent(
      Map<String, RecordResult> results,
      Map<String, RecordResult> oppResults,
      CrmCallException failure,
      long calls,
      long throttled) {}

  /** A batch whose request is on its way. */
  private record InFlight(Batch batch, Future<Sent> answer) {
    Sent await() {
      try {
        return answer.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while a CRM request was in flight", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("CRM request failed", e.getCause());
      }
    }
  }

  /**
   * Diffs the claimed rows against what the CRM got last time; rows with nothing to send are done
   * here (their rules evaluated). Empty when nothing is left to send, and in a dry run, where the
   * records are kept as skipped.
   */
  private Optional<Batch> prepare(
      Connections.Live live, List<SyncDao.PendingRow> claimed, Map<String, String> tickRuns) {
    String cid = live.settings().connectionId();
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    List<String> accountIds = claimed.stream().map(SyncDao.PendingRow::accountId).toList();
    Map<String, AccountValues> values = new LinkedHashMap<>();
    dao.accounts(accountIds)
        .forEach(a -> values.put(a.accountId(), AccountValuesJson.read(a.accountVals())));
    Map<String, SyncDao.SyncedRow> synced = new HashMap<>();
    dao.synced(cid, accountIds.toArray(String[]::new)).forEach(s -> synced.put(s.accountId(), s));
    Map<String, String> companyIds = new HashMap<>();
    synced.forEach((id, s) -> companyIds.put(id, s.crmRecordId()));
    // Read after the claim: a mapping change commits together with the rows it queues, so these
    // rows are never diffed against the mapping they were queued to replace.
    List<FieldMapping> mappings = Connections.mappings(jdbi.onDemand(ConnectionDao.class), cid);
    List<WorkflowRule> connectionRules = rules.forConnection(cid);
    Map<String, OpportunityWrite> plannedOpps =
        planner.plan(cid, connectionRules, values, companyIds);

    Instant now = clock.instant();
    List<SyncDao.PendingRow> toSend = new ArrayList<>();
    List<RecordWrite> writes = new ArrayList<>();
    Map<String, Diff> diffs = new LinkedHashMap<>();
    List<SyncDao.PendingRow> unchanged = new ArrayList<>();
    for (SyncDao.PendingRow p : claimed) {
      AccountValues v = values.get(p.accountId());
      if (v == null) {
        unchanged.add(p);
        continue;
      }
      SyncDao.SyncedRow s = synced.get(p.accountId());
      Diff diff =
          Diff.of(
              desired(v, mappings, connectionRules),
              s == null ? Map.of() : fields(s.fields()),
              s != null);
      if (diff.isEmpty() && !plannedOpps.containsKey(p.accountId())) {
        unchanged.add(p);
        continue;
      }
      toSend.add(p);
      diffs.put(p.accountId(), diff);
      if (!diff.isEmpty()) {
        writes.add(new RecordWrite(p.accountId(), diff.send()));
      }
    }
    Map<String, long[]> counts = new HashMap<>();
    if (!unchanged.isEmpty()) {
      jdbi.useTransaction(
          h -> {
            SyncDao tx = h.attach(SyncDao.class);
            tx.complete(unchanged);
            List<AccountValues> evaluated = new ArrayList<>();
            for (SyncDao.PendingRow p : unchanged) {
              tally(counts, runOf(p, tickRuns, tx, now), 0, 0, 1);
              if (!live.settings().dryRun()
                  && values.containsKey(p.accountId())
                  && synced.containsKey(p.accountId())) {
                evaluated.add(values.get(p.accountId()));
              }
            }
            firings.evaluate(h, cid, connectionRules, evaluated);
          });
    }
    if (!toSend.isEmpty() && live.settings().dryRun()) {
      List<SyncDao.RecordRow> records = new ArrayList<>();
      jdbi.useTransaction(
          h -> {
            SyncDao tx = h.attach(SyncDao.class);
            for (SyncDao.PendingRow p : toSend) {
              String runId = runOf(p, tickRuns, tx, now);
              records.add(
                  record(
                      runId,
                      cid,
                      p.accountId(),
                      "SKIPPED",
                      p.attempts(),
                      0,
                      "",
                      "",
                      diffs.get(p.accountId()),
                      "",
                      now));
              tally(counts, runId, 0, 0, 1);
            }
            tx.complete(toSend);
            tx.insertRecords(records);
          });
      toSend.clear();
    }
    flush(dao, counts, 0, 0);
    if (toSend.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Batch(toSend, values, synced, diffs, writes, plannedOpps, connectionRules, now));
  }

  /** Sends the batch on the request thread: account upserts, then the opportunities. */
  private InFlight send(Connections.Live live, Batch batch) {
    return new InFlight(batch, requests.submit(() -> call(live, batch)));
  }

  private Sent call(Connections.Live live, Batch batch) {
    long callsBefore = live.http().calls();
    long throttledBefore = live.http().throttled();
    Map<String, RecordResult> results = new HashMap<>();
    Map<String, RecordResult> oppResults = new HashMap<>();
    CrmCallException failure = null;
    try {
      if (!batch.writes().isEmpty()) {
        for (RecordResult r :
            orRejected(batch.writes(), RecordWrite::accountId, live.client()::upsertAccounts)) {
          results.put(r.accountId(), r);
        }
      }
      List<OpportunityWrite> oppWrites = new ArrayList<>();
      for (SyncDao.PendingRow p : batch.toSend()) {
        OpportunityWrite o = batch.plannedOpps().get(p.accountId());
        RecordResult accountResult = results.get(p.accountId());
        if (o != null && (accountResult == null || accountResult.success())) {
          oppWrites.add(accountResult == null ? o : o.inCompany(accountResult.crmId()));
        }
      }
      if (!oppWrites.isEmpty()) {
        List<RecordResult> sent =
            orRejected(
                oppWrites, OpportunityWrite::externalKey, live.client()::upsertOpportunities);
        for (int i = 0; i < oppWrites.size(); i++) {
          oppResults.put(oppWrites.get(i).accountId(), sent.get(i));
        }
        recordOpportunities(live.settings().connectionId(), oppWrites, sent, batch.values());
      }
    } catch (CrmCallException e) {
      failure = e;
    }
    return new Sent(
        results,
        oppResults,
        failure,
        live.http().calls() - callsBefore,
        live.http().throttled() - throttledBefore);
  }

  /** Gives back a claimed batch that was never sent: its rows are due again at once. */
  private void release(String cid, Batch batch) {
    jdbi.useExtension(
        SyncDao.class, d -> d.dueNow(cid, List.of(batch.accountIds()), utc(clock.instant())));
  }

  /**
   * The CRM call failed as a whole (outage, throttling beyond the HTTP retries): no attempt is
   * charged, the records stay queued with the outage backoff; those whose upsert was answered
   * before the failure are remembered as written.
   */
  private void recordFailure(
      Connections.Live live,
      Batch batch,
      Sent sent,
      Map<String, String> tickRuns,
      Set<String> failedRuns) {
    String cid = live.settings().connectionId();
    List<SyncDao.PendingRow> toSend = batch.toSend();
    int streak = outageStreak.merge(cid, 1, Integer::sum);
    Set<String> parked = parkedByOutage.computeIfAbsent(cid, k -> ConcurrentHashMap.newKeySet());
    toSend.forEach(p -> parked.add(p.accountId()));
    Instant now = clock.instant();
    Duration delay = settings.outageBackoff().delay(streak - 1, random);
    Instant retryAt = now.plus(delay);
    // Never sooner than a Retry-After the CRM asked for: the bucket holds requests until then.
    Instant probe = now.plus(min(delay, probeDelay.delay(0, random)));
    Instant paused = live.http().pausedUntil();
    probeAt.put(cid, probe.isBefore(paused) ? paused : probe);
    LOG.warning(
        () ->
            "connection "
                + cid
                + ": "
                + sent.failure().getMessage()
                + "; "
                + toSend.size()
                + " records stay queued until "
                + retryAt);
    Map<String, long[]> counts = new HashMap<>();
    jdbi.useTransaction(
        h -> {
          SyncDao tx = h.attach(SyncDao.class);
          tx.lockQueued(cid, batch.accountIds());
          List<SyncDao.SyncedRow> landed = new ArrayList<>();
          List<SyncDao.RetryRow> retries = new ArrayList<>();
          for (SyncDao.PendingRow p : toSend) {
            RecordResult written = sent.results().get(p.accountId());
            if (written != null && written.success()) {
              landed.add(
                  new SyncDao.SyncedRow(
                      cid,
                      p.accountId(),
                      written.crmId(),
                      toJson(batch.diffs().get(p.accountId()).canonical()),
                      utc(clock.instant())));
            }
            String runId = runOf(p, tickRuns, tx, batch.claimedAt());
            failedRuns.add(runId);
            tally(counts, runId, 0, 0, 0);
            retries.add(new SyncDao.RetryRow(cid, p.accountId(), p.attempts(), utc(retryAt)));
          }
          tx.mergeSynced(landed);
          tx.retryLater(retries);
        });
    flush(jdbi.onDemand(SyncDao.class), counts, sent.calls(), sent.throttled());
  }

  /**
   * Records every record's result in one transaction: landed ones as synced and done, refused ones
   * retried with the record backoff or dead-lettered, and the rules of the landed accounts
   * evaluated.
   */
  private void recordResults(
      Connections.Live live, Batch batch, Sent sent, Map<String, String> tickRuns) {
    String cid = live.settings().connectionId();
    if (outageStreak.remove(cid) != null) {
      probeAt.remove(cid);
      releaseParked(cid, batch.toSend());
    }
    Instant done = clock.instant();
    long[] outcomes = new long[3];
    Map<String, long[]> counts = new HashMap<>();
    jdbi.useTransaction(
        h -> {
          SyncDao tx = h.attach(SyncDao.class);
          tx.lockQueued(cid, batch.accountIds());
          List<SyncDao.RecordRow> records = new ArrayList<>();
          List<SyncDao.SyncedRow> landed = new ArrayList<>();
          List<SyncDao.PendingRow> completed = new ArrayList<>();
          List<String> succeeded = new ArrayList<>();
          List<SyncDao.RetryRow> retries = new ArrayList<>();
          for (SyncDao.PendingRow p : batch.toSend()) {
            Diff diff = batch.diffs().get(p.accountId());
            RecordResult written = sent.results().get(p.accountId());
            RecordResult opp = sent.oppResults().get(p.accountId());
            String runId = runOf(p, tickRuns, tx, batch.claimedAt());
            int attempts = p.attempts() + 1;
            if (written != null && written.success()) {
              landed.add(
                  new SyncDao.SyncedRow(
                      cid, p.accountId(), written.crmId(), toJson(diff.canonical()), utc(done)));
            }
            RecordResult failure =
                written != null && !written.success()
                    ? written
                    : opp != null && !opp.success() ? opp : null;
            String crmId =
                written != null
                    ? written.crmId()
                    : batch.synced().containsKey(p.accountId())
                        ? batch.synced().get(p.accountId()).crmRecordId()
                        : "";
            if (failure == null) {
              completed.add(p);
              succeeded.add(p.accountId());
              records.add(
                  record(
                      runId,
                      cid,
                      p.accountId(),
                      "SUCCEEDED",
                      attempts,
                      written == null ? opp.httpStatus() : written.httpStatus(),
                      "",
                      "",
                      diff,
                      crmId,
                      done));
              tally(counts, runId, 1, 0, 0);
              outcomes[0]++;
            } else if (attempts >= settings.maxAttempts()) {
              outcomes[2]++;
              completed.add(p);
              records.add(
                  record(
                      runId,
                      cid,
                      p.accountId(),
                      "DEAD_LETTERED",
                      attempts,
                      failure.httpStatus(),
                      failure.errorCode(),
                      failure.errorMessage(),
                      diff,
                      "",
                      done));
              tally(counts, runId, 0, 1, 0);
            } else {
              outcomes[1]++;
              Instant retryAt = done.plus(settings.recordBackoff().delay(attempts - 1, random));
              retries.add(new SyncDao.RetryRow(cid, p.accountId(), attempts, utc(retryAt)));
              records.add(
                  record(
                      runId,
                      cid,
                      p.accountId(),
                      "RETRYING",
                      attempts,
                      failure.httpStatus(),
                      failure.errorCode(),
                      failure.errorMessage(),
                      diff,
                      "",
                      done));
              tally(counts, runId, 0, 1, 0);
            }
          }
          // One batch per statement, not one round trip per record and statement.
          tx.mergeSynced(landed);
          tx.complete(completed);
          tx.settleDeadLetters(cid, succeeded.toArray(String[]::new), utc(done));
          tx.retryLater(retries);
          tx.insertRecords(records);
          firings.evaluate(
              h, cid, batch.rules(), succeeded.stream().map(batch.values()::get).toList());
        });
    String provider = Connections.provider(live.settings().provider());
    metrics.records(provider, "written", outcomes[0]);
    metrics.records(provider, "failed", outcomes[1]);
    metrics.records(provider, "dead_lettered", outcomes[2]);
    flush(jdbi.onDemand(SyncDao.class), counts, sent.calls(), sent.throttled());
  }

  /** One CRM call that answers per record. */
  private interface BatchCall<W> {
    List<RecordResult> send(List<W> writes) throws CrmCallException;
  }

  /** A request the CRM rejects as a whole fails each of its records with the CRM's message. */
  private static <W> List<RecordResult> orRejected(
      List<W> writes, java.util.function.Function<W, String> key, BatchCall<W> call)
      throws CrmCallException {
    try {
      return call.send(writes);
    } catch (CrmCallException e) {
      if (e.kind() != CrmCallException.Kind.REJECTED) {
        throw e;
      }
      return writes.stream()
          .map(
              w -> RecordResult.failed(key.apply(w), e.httpStatus(), e.errorCode(), e.getMessage()))
          .toList();
    }
  }

  /** Records created opportunities and tells WatchOpportunities, in one transaction. */
  private void recordOpportunities(
      String cid,
      List<OpportunityWrite> writes,
      List<RecordResult> results,
      Map<String, AccountValues> values) {
    Instant at = clock.instant();
    jdbi.useTransaction(
        h -> {
          RuleDao dao = h.attach(RuleDao.class);
          for (int i = 0; i < writes.size(); i++) {
            if (!results.get(i).success()) {
              continue;
            }
            OpportunityWrite o = writes.get(i);
            AccountValues v = values.get(o.accountId());
            RuleDao.OpportunityRow row =
                new RuleDao.OpportunityRow(
                    cid,
                    o.externalKey(),
                    o.accountId(),
                    v.primaryType(),
                    results.get(i).crmId(),
                    "OPEN",
                    v.currency(),
                    v.arrPotentialMinor(),
                    utc(at),
                    null);
            if (dao.insertOpportunity(row) > 0) {
              outbox.append(h, OPPORTUNITIES_STREAM, o.accountId(), OpportunityEvents.payload(row));
            }
          }
        });
  }

  /** The run a row belongs to: its own (manual, replay, reconcile) or this tick's change run. */
  private String runOf(
      SyncDao.PendingRow p, Map<String, String> tickRuns, SyncDao tx, Instant now) {
    if (p.runId() != null) {
      return p.runId();
    }
    return tickRuns.computeIfAbsent(
        p.trig(),
        trig -> {
          String runId = ids.next("run-");
          tx.insertRun(newRun(runId, p.connectionId(), trig, null, now));
          return runId;
        });
  }

  static SyncDao.RunRow newRun(
      String runId, String connectionId, String trigger, String requestId, Instant now) {
    return new SyncDao.RunRow(
        runId, connectionId, trigger, "RUNNING", utc(now), null, 0, 0, 0, 0, 0, 0, requestId);
  }

  private SyncDao.RecordRow record(
      String runId,
      String cid,
      String accountId,
      String status,
      int attempts,
      int httpStatus,
      String errorCode,
      String errorMessage,
      Diff diff,
      String crmId,
      Instant at) {
    ArrayNode changes = JSON.createArrayNode();
    diff.changes()
        .forEach(
            c ->
                changes
                    .addObject()
                    .put("field", c.crmField())
                    .put("old", c.oldValue())
                    .put("new", c.newValue()));
    return new SyncDao.RecordRow(
        ids.next("rec-"),
        runId,
        cid,
        accountId,
        status,
        attempts,
        httpStatus,
        errorCode,
        errorMessage,
        changes.toString(),
        crmId,
        utc(at));
  }

  /** counts per run: succeeded, failed, skipped. */
  private static void tally(
      Map<String, long[]> counts, String runId, long succeeded, long failed, long skipped) {
    long[] c = counts.computeIfAbsent(runId, k -> new long[3]);
    c[0] += succeeded;
    c[1] += failed;
    c[2] += skipped;
  }

  private static void flush(SyncDao dao, Map<String, long[]> counts, long calls, long throttled) {
    boolean first = true;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      long[] c = e.getValue();
      dao.addToRun(
          e.getKey(),
          c[0] + c[1] + c[2],
          c[0],
          c[1],
          c[2],
          first ? calls : 0,
          first ? throttled : 0);
      first = false;
    }
  }

  private void pruneIfDue() {
    Instant now = clock.instant();
    if (lastPrune.plus(Duration.ofHours(1)).isAfter(now)) {
      return;
    }
    lastPrune = now;
    SyncDao dao = jdbi.onDemand(SyncDao.class);
    OffsetDateTime before = utc(now.minus(settings.retention()));
    while (dao.pruneRecords(before, 10_000) > 0 && running) {
      // Small deletes keep each statement short under a running sync.
    }
    dao.pruneRuns(before);
  }

  /** What the CRM should hold for the account: the mapped values and the rules' review flags. */
  static Map<String, CrmValue> desired(
      AccountValues v, List<FieldMapping> mappings, List<WorkflowRule> rules) {
    return ReviewFlag.apply(RecordMapper.map(v, mappings), rules, v, mappings);
  }

  static Map<String, String> fields(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String toJson(Map<String, String> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * In an outage streak, once its probe time has come, makes one batch of the parked records due:
   * their call either shows the CRM answers again (and releases the rest) or fails and sets the
   * next probe time. One batch per probe, so a CRM that stays down gets one call per interval.
   */
  private void probeIfDue(String cid, int batchLimit) {
    Instant at = probeAt.get(cid);
    if (at == null || clock.instant().isBefore(at)) {
      return;
    }
    probeAt.remove(cid);
    Set<String> parked = parkedByOutage.get(cid);
    if (parked == null || parked.isEmpty()) {
      return;
    }
    List<String> probe = parked.stream().sorted().limit(batchLimit).toList();
    jdbi.useExtension(SyncDao.class, d -> d.dueNow(cid, probe, utc(clock.instant())));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Makes the records the outage parked due now, except those of the call that just succeeded:
   * their results decide their next send.
   */
  private void releaseParked(String cid, List<SyncDao.PendingRow> justSent) {
    Set<String> parked = parkedByOutage.remove(cid);
    if (parked == null) {
      return;
    }
    justSent.forEach(p -> parked.remove(p.accountId()));
    if (!parked.isEmpty()) {
      int released =
          jdbi.withExtension(
              SyncDao.class, d -> d.dueNow(cid, List.copyOf(parked), utc(clock.instant())));
      LOG.info(
          () -> "connection " + cid + " answers again; " + released + " parked records due now");
    }
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    requests.shutdownNow();
  }
}
