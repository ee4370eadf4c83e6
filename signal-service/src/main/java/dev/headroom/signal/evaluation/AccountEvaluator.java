package dev.headroom.signal.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.signal.catalog.AccountService;
import dev.headroom.signal.catalog.AccountView;
import dev.headroom.signal.catalog.CatalogService;
import dev.headroom.signal.db.AccountDao;
import dev.headroom.signal.db.FactDao;
import dev.headroom.signal.db.SignalDao;
import dev.headroom.signal.domain.AccountTimeline;
import dev.headroom.signal.domain.Evaluation;
import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.RunMemory;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalType;
import dev.headroom.signal.domain.UsageFact;
import dev.headroom.signal.engine.SignalEngine;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Evaluates one account now and persists what changed: the engine's view (a pure function of the
 * facts, the subscription history, the catalog and the rules) is diffed against the stored open
 * signal occurrences; the diff, the new metrics fingerprint and the outbox entry announcing it
 * commit in one transaction.
 */
public final class AccountEvaluator {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one evaluation changed. {@code published} is null when nothing was announced. */
  public record Outcome(
      String accountId, int signalsChanged, AccountChange.Kind published, boolean metricsDeferred) {
    static Outcome skipped(String accountId) {
      return new Outcome(accountId, 0, null, false);
    }
  }

  private final Jdbi jdbi;
  private final AccountService accounts;
  private final CatalogService catalog;
  private final RuleService rules;
  private final SignalEngine engine;
  private final Outbox outbox;
  private final AccountChange.Encoder encoder;
  private final Clock clock;
  private final TimelineCache timelines;
  private final Map<String, Persisted> persisted = new ConcurrentHashMap<>();

  public AccountEvaluator(
      Jdbi jdbi,
      AccountService accounts,
      CatalogService catalog,
      RuleService rules,
      SignalEngine engine,
      Outbox outbox,
      AccountChange.Encoder encoder,
      Clock clock) {
    this(jdbi, accounts, catalog, rules, engine, outbox, encoder, clock, 0);
  }

  /**
   * @param timelineCacheFacts how many facts the background evaluation may keep cached across
   *     accounts (0 = no cache: every evaluation reads the account's facts)
   */
  public AccountEvaluator(
      Jdbi jdbi,
      AccountService accounts,
      CatalogService catalog,
      RuleService rules,
      SignalEngine engine,
      Outbox outbox,
      AccountChange.Encoder encoder,
      Clock clock,
      long timelineCacheFacts) {
    this.timelines = new TimelineCache(timelineCacheFacts);
    this.jdbi = jdbi;
    this.accounts = accounts;
    this.catalog = catalog;
    this.rules = rules;
    this.engine = engine;
    this.outbox = outbox;
    this.encoder = encoder;
    this.clock = clock;
  }

  /**
   * Evaluates and persists.
   *
   * @param mayPublishMetrics asked (with the account's nanoTime) whether a metrics-only change may
   *     be announced now; when it answers false the change is neither stored nor announced, so the
   *     next evaluation sees it again (debouncing)
   */
  public Outcome evaluateAndPersist(String accountId, LongPredicate mayPublishMetrics) {
    return evaluateAndPersist(accountId, mayPublishMetrics, false);
  }

  /**
   * @param mayShortcut the account was marked by an ingest commit only: when the evaluation equals
   *     what this process last stored for it (same open signals, same metrics or a deferred metrics
   *     change, same activation), nothing would be written, so the transaction is skipped. Sweeps,
   *     account changes and EvaluateSignals always take the full path.
   */
  public Outcome evaluateAndPersist(
      String accountId, LongPredicate mayPublishMetrics, boolean mayShortcut) {
    Object r = prepare(accountId, mayPublishMetrics, mayShortcut);
    if (r instanceof Outcome o) {
      return o;
    }
    Prepared p = (Prepared) r;
    Persisted[] stored = new Persisted[1];
    Outcome outcome =
        jdbi.inTransaction(
            h -> {
              List<Outbox.NewEntry> entries = new ArrayList<>(1);
              Outcome o =
                  persist(Locked.of(h, List.of(accountId)), p, mayPublishMetrics, stored, entries);
              appendOutbox(h, entries);
              return o;
            });
    remember(accountId, stored[0]);
    return outcome;
  }

  /**
   * Several accounts at once: each is evaluated as by {@link #evaluateAndPersist(String,
   * LongPredicate, boolean)}, and those with something to store are stored in one transaction
   * (accounts locked in id order), so a burst of dirty accounts costs one commit and one WAL flush
   * instead of one each. When that transaction fails, each account is retried in its own
   * transaction, so one bad account does not hold back the others.
   *
   * @return per account id: its {@link Outcome}, or the RuntimeException its evaluation failed with
   */
  public Map<String, Object> evaluateAndPersistAll(
      List<String> accountIds,
      Function<String, LongPredicate> mayPublishMetrics,
      Predicate<String> mayShortcut) {
    Map<String, Object> results = new LinkedHashMap<>();
    TreeMap<String, Prepared> toStore = new TreeMap<>();
    for (String id : accountIds) {
      try {
        Object r = prepare(id, mayPublishMetrics.apply(id), mayShortcut.test(id));
        if (r instanceof Prepared p) {
          toStore.put(id, p);
        } else {
          results.put(id, r);
        }
      } catch (RuntimeException e) {
        results.put(id, e);
      }
    }
    if (toStore.isEmpty()) {
      return results;
    }
    Map<String, Persisted> stored = new LinkedHashMap<>();
    Map<String, Outcome> outcomes;
    try {
      outcomes =
          jdbi.inTransaction(
              h -> {
                Map<String, Outcome> out = new LinkedHashMap<>();
                List<Outbox.NewEntry> entries = new ArrayList<>(toStore.size());
                Locked locked = Locked.of(h, toStore.keySet());
                for (Prepared p : toStore.values()) {
                  Persisted[] one = new Persisted[1];
                  out.put(
                      p.account().accountId(),
                      persist(
                          locked,
                          p,
                          mayPublishMetrics.apply(p.account().accountId()),
                          one,
                          entries));
                  stored.put(p.account().accountId(), one[0]);
                }
                appendOutbox(h, entries);
                return out;
              });
    } catch (RuntimeException e) {
      for (String id : toStore.keySet()) {
        try {
          results.put(id, evaluateAndPersist(id, mayPublishMetrics.apply(id), false));
        } catch (RuntimeException e1) {
          results.put(id, e1);
        }
      }
      return results;
    }
    stored.forEach(this::remember);
    results.putAll(outcomes);
    return results;
  }

  /**
   * Appends the transaction's announcements at its very end, all at once: appending takes the
   * stream's counter row lock until commit, so appending per account in a multi-account transaction
   * would make every other evaluator thread wait for the whole transaction.
   */
  private void appendOutbox(Handle h, List<Outbox.NewEntry> entries) {
    if (!entries.isEmpty()) {
      outbox.appendAll(h, AccountChange.STREAM, entries);
    }
  }

  private record Prepared(
      AccountView account,
      Instant t,
      Map<SignalType, SignalRule> ruleSet,
      Evaluation ev,
      byte[] metricsHash) {}

  /**
   * The evaluation, and either its final {@link Outcome} (nothing to store) or a {@link Prepared}
   * to store.
   */
  private Object prepare(String accountId, LongPredicate mayPublishMetrics, boolean mayShortcut) {
    AccountView account = mayShortcut ? cachedAccount(accountId) : fresh(accountId);
    if (account == null || account.provisional()) {
      return Outcome.skipped(accountId); // nothing is evaluated until the account exists
    }
    Instant t = clock.instant();
    Map<SignalType, SignalRule> ruleSet = rules.current();
    List<UsageFact> facts = timelines.timeline(accountId, this::loadFacts);
    Evaluation ev =
        engine.evaluate(
            new AccountTimeline(account.toDomain(), catalog.snapshot(), facts),
            ruleSet,
            t,
            runMemories.get(accountId));
    rememberRuns(accountId, ev.runMemory());
    byte[] metricsHash = fingerprint(ev);
    Persisted last = mayShortcut ? persisted.get(accountId) : null;
    if (last != null
        && Objects.equals(ev.metrics().activatedAt(), account.activatedAt())
        && last.sameSignals(ev, ruleSet)) {
      if (Arrays.equals(last.metricsHash(), metricsHash)) {
        return new Outcome(accountId, 0, null, false);
      }
      if (!mayPublishMetrics.test(System.nanoTime())) {
        return new Outcome(
            accountId, 0, null, true); // the debounce re-marks it when its window ends
      }
    }
    persisted.remove(accountId);
    return new Prepared(account, t, ruleSet, ev, metricsHash);
  }

  /**
   * One transaction's DAOs, attached once for all the accounts it stores (attaching builds a
   * handler per DAO method with its own copy of the configuration, which costs more than the
   * statements of a typical evaluation), and its accounts' open occurrences and evaluation state,
   * locked and read with one statement each rather than one per account.
   */
  private record Locked(
      SignalDao signals,
      AccountDao accounts,
      Map<String, List<SignalDao.OccurrenceRow>> open,
      Map<String, SignalDao.StateRow> states) {
    /**
     * Locks the accounts ({@code accountIds} in id order, as every evaluation locks them) and reads
     * their rows.
     */
    static Locked of(Handle h, Collection<String> accountIds) {
      SignalDao signals = h.attach(SignalDao.class);
      accountIds.forEach(signals::lockAccount);
      String[] ids = accountIds.toArray(String[]::new);
      Map<String, List<SignalDao.OccurrenceRow>> open = new HashMap<>();
      for (SignalDao.OccurrenceRow r : signals.openForUpdate(ids)) {
        open.computeIfAbsent(r.accountId(), k -> new ArrayList<>()).add(r);
      }
      Map<String, SignalDao.StateRow> states = new HashMap<>();
      for (SignalDao.StateRow r : signals.statesForUpdate(ids)) {
        states.put(r.accountId(), r);
      }
      return new Locked(signals, h.attach(AccountDao.class), open, states);
    }
  }

  /** Stores one prepared evaluation in the caller's transaction. */
  private Outcome persist(
      Locked locked,
      Prepared p,
      LongPredicate mayPublishMetrics,
      Persisted[] stored,
      List<Outbox.NewEntry> outboxEntries) {
    AccountView account = p.account();
    String accountId = account.accountId();
    Instant t = p.t();
    Map<SignalType, SignalRule> ruleSet = p.ruleSet();
    Evaluation ev = p.ev();
    byte[] metricsHash = p.metricsHash();
    SignalDao dao = locked.signals();
    Map<SignalType, SignalDao.OccurrenceRow> open = new EnumMap<>(SignalType.class);
    for (SignalDao.OccurrenceRow r : locked.open().getOrDefault(accountId, List.of())) {
      open.put(SignalType.valueOf(r.signalType()), r);
    }
    SignalDao.StateRow state = locked.states().get(accountId);
    List<SignalType> changed = new ArrayList<>();
    Map<SignalType, SignalDao.OccurrenceRow> after = new LinkedHashMap<>();
    for (SignalState s : ev.signals()) {
      SignalRule rule = ruleSet.get(s.type());
      long version = rule == null ? 0 : rule.version();
      SignalDao.OccurrenceRow prev = open.remove(s.type());
      SignalDao.OccurrenceRow row =
          new SignalDao.OccurrenceRow(
              prev == null ? 0 : prev.signalId(),
              accountId,
              s.type().name(),
              s.status().name(),
              utc(s.since()),
              utc(s.activatesAt()),
              null,
              evidenceJson(s.evidence()),
              s.constituents().stream().map(Enum::name).toList(),
              version);
      if (prev == null) {
        long id = dao.insert(row);
        row =
            new SignalDao.OccurrenceRow(
                id,
                accountId,
                row.signalType(),
                row.status(),
                row.since(),
                row.activatesAt(),
                null,
                row.evidenceJson(),
                row.constituents(),
                version);
        changed.add(s.type());
      } else {
        boolean statusChanged = !prev.status().equals(row.status());
        if (statusChanged
            || !prev.since().toInstant().equals(s.since())
            || !Objects.equals(instant(prev.activatesAt()), s.activatesAt())
            || !sameJson(prev.evidenceJson(), row.evidenceJson())
            || !prev.constituents().equals(row.constituents())
            || prev.ruleVersion() != version) {
          dao.update(row);
        }
        if (statusChanged) {
          changed.add(s.type());
        }
      }
      after.put(s.type(), row);
    }
    for (SignalDao.OccurrenceRow gone : open.values()) {
      dao.resolve(gone.signalId(), utc(t));
      changed.add(SignalType.valueOf(gone.signalType()));
    }
    boolean metricsChanged =
        state == null
            || state.metricsHash() == null
            || !Arrays.equals(state.metricsHash(), metricsHash);
    boolean accountChanged = state != null && state.accountDirty();
    AccountChange.Kind kind =
        !changed.isEmpty()
            ? AccountChange.Kind.SIGNALS
            : accountChanged || state == null
                ? AccountChange.Kind.ACCOUNT
                : metricsChanged ? AccountChange.Kind.METRICS : null;
    boolean deferred = false;
    if (kind == AccountChange.Kind.METRICS && !mayPublishMetrics.test(System.nanoTime())) {
      kind = null;
      deferred = true;
    } else {
      dao.saveState(accountId, metricsHash, utc(t));
    }
    Map<SignalType, SignalDao.OccurrenceRow> openAfter = new EnumMap<>(SignalType.class);
    openAfter.putAll(after);
    boolean writesActivation = ev.metrics().activatedAt() != null || account.activatedAt() != null;
    stored[0] =
        new Persisted(
            openAfter,
            deferred ? (state == null ? null : state.metricsHash()) : metricsHash,
            writesActivation ? Optional.ofNullable(ev.metrics().activatedAt()) : null);
    if (writesActivation) {
      locked.accounts().setActivatedAt(accountId, utc(ev.metrics().activatedAt()));
    }
    if (kind != null) {
      AccountView shown = withActivation(account, ev.metrics().activatedAt());
      List<SignalView> signals = after.values().stream().map(AccountEvaluator::toView).toList();
      UsageSnapshotView snapshot =
          new UsageSnapshotView(accountId, t, shown, ev.metrics(), signals);
      changed.sort(null);
      outboxEntries.add(
          new Outbox.NewEntry(
              accountId,
              encoder.encode(
                  new AccountChange(accountId, kind, t, snapshot, List.copyOf(changed)))));
    }
    return new Outcome(accountId, changed.size(), kind, deferred);
  }

  /**
   * The account as last read, for evaluations marked by ingest; read again after {@link
   * #ACCOUNT_TTL_NANOS}.
   */
  private AccountView cachedAccount(String accountId) {
    CachedAccount c = accountViews.get(accountId);
    if (c != null && System.nanoTime() - c.readAt() < ACCOUNT_TTL_NANOS) {
      return c.view();
    }
    return fresh(accountId);
  }

  private AccountView fresh(String accountId) {
    long readAt = System.nanoTime();
    AccountView v = accounts.find(accountId).orElse(null);
    if (v != null) {
      if (accountViews.size() >= MAX_PERSISTED) {
        accountViews.clear();
      }
      accountViews.put(accountId, new CachedAccount(v, readAt));
    }
    return v;
  }

  /**
   * Account views (account row + subscription history) kept between evaluations that ingest
   * triggers: dropped by this instance's PutAccount/PutUser ({@link #factsChanged}), re-read at
   * least every 30 s (the same bound within which catalog and rule changes of another instance are
   * picked up), and never used by sweeps, account changes or EvaluateSignals, which read the
   * account fresh.
   */
  private record CachedAccount(AccountView view, long readAt) {}

  private static final long ACCOUNT_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
  private final Map<String, CachedAccount> accountViews = new ConcurrentHashMap<>();

  private void remember(String accountId, Persisted p) {
    if (p == null) {
      return;
    }
    if (p.activatedAt() != null) {
      accountViews.computeIfPresent(
          accountId,
          (k, c) ->
              new CachedAccount(
                  withActivation(c.view(), p.activatedAt().orElse(null)), c.readAt()));
    }
    if (persisted.size() >= MAX_PERSISTED) {
      persisted.clear();
    }
    persisted.put(accountId, p); // committed
  }

  private static final int MAX_PERSISTED = 500_000;

  /**
   * The run memory of each account's latest evaluation in which some condition held, so that a run
   * held for months is not searched from its start at every evaluation. The engine checks that a
   * memory still describes the account's history before using it, so nothing here needs
   * invalidating; it only needs bounding.
   */
  private final Map<String, RunMemory> runMemories = new ConcurrentHashMap<>();

  private static final int MAX_RUN_MEMORIES = 100_000;

  private void rememberRuns(String accountId, RunMemory memory) {
    if (memory == null || memory.runs().isEmpty()) {
      runMemories.remove(accountId);
      return;
    }
    if (runMemories.size() >= MAX_RUN_MEMORIES) {
      runMemories.clear();
    }
    runMemories.put(accountId, memory);
  }

  /**
   * What this process last committed for an account: its open signal rows and the stored metrics
   * fingerprint (null when unknown). Only ever a shortcut: dropped before every full evaluation, on
   * account/user changes, and when the map grows past {@link #MAX_PERSISTED}.
   */
  private record Persisted(
      Map<SignalType, SignalDao.OccurrenceRow> open,
      byte[] metricsHash,
      Optional<Instant> activatedAt) {
    boolean sameSignals(Evaluation ev, Map<SignalType, SignalRule> ruleSet) {
      if (ev.signals().size() != open.size()) {
        return false;
      }
      for (SignalState s : ev.signals()) {
        SignalDao.OccurrenceRow row = open.get(s.type());
        SignalRule rule = ruleSet.get(s.type());
        if (row == null
            || !row.status().equals(s.status().name())
            || !row.since().toInstant().equals(s.since())
            || !Objects.equals(instant(row.activatesAt()), s.activatesAt())
            || row.ruleVersion() != (rule == null ? 0 : rule.version())
            || !row.constituents().equals(s.constituents().stream().map(Enum::name).toList())
            || !row.evidenceJson().equals(evidenceJson(s.evidence()))) {
          return false;
        }
      }
      return true;
    }
  }

  /** The engine's evaluation of an existing account at {@code t}, from the stored facts. */
  Evaluation evaluate(AccountView account, Instant t, Map<SignalType, SignalRule> ruleSet) {
    List<UsageFact> facts = loadFacts(account.accountId());
    return engine.evaluate(
        new AccountTimeline(account.toDomain(), catalog.snapshot(), facts), ruleSet, t);
  }

  private List<UsageFact> loadFacts(String accountId) {
    return jdbi.withExtension(FactDao.class, dao -> dao.timeline(accountId));
  }

  /** Facts just committed by the ingest path, per account: keeps cached timelines current. */
  public void factsCommitted(Map<String, List<UsageFact>> factsByAccount) {
    timelines.offer(factsByAccount);
  }

  /**
   * Facts of the account were written outside the ingest path (PutUser): its cached timeline is
   * dropped.
   */
  public void factsChanged(String accountId) {
    timelines.invalidate(accountId);
    persisted.remove(accountId);
    accountViews.remove(accountId);
  }

  /** Cache statistics: hits, misses, cached facts. */
  public long[] timelineCacheStats() {
    return new long[] {timelines.hits(), timelines.misses(), timelines.cachedFacts()};
  }

  /**
   * The usage snapshot at {@code asOf} (null = now). Signals holding now carry their stored ids; a
   * past instant is computed from the same facts, so its signals have no ids.
   */
  public UsageSnapshotView snapshot(String accountId, Instant asOf) {
    Instant now = clock.instant();
    if (asOf != null && asOf.isAfter(now)) {
      throw DomainException.InvalidArgument.of(
          "as_of", "must not be in the future (now is " + now + ")");
    }
    AccountView account = accounts.get(accountId);
    Instant t = asOf == null ? now : asOf;
    Map<SignalType, SignalRule> ruleSet = rules.current();
    Evaluation ev =
        account.provisional()
            ? engine.evaluate(new AccountTimeline(null, catalog.snapshot(), List.of()), ruleSet, t)
            : evaluate(account, t, ruleSet);
    Map<SignalType, SignalDao.OccurrenceRow> open = new EnumMap<>(SignalType.class);
    if (asOf == null) {
      for (SignalDao.OccurrenceRow r :
          jdbi.withExtension(SignalDao.class, d -> d.open(accountId))) {
        open.put(SignalType.valueOf(r.signalType()), r);
      }
    }
    List<SignalView> signals = new ArrayList<>();
    for (SignalState s : ev.signals()) {
      SignalDao.OccurrenceRow stored = open.get(s.type());
      SignalRule rule = ruleSet.get(s.type());
      signals.add(
          new SignalView(
              stored == null ? 0 : stored.signalId(),
              accountId,
              s.type(),
              s.status().name(),
              s.since(),
              s.activatesAt(),
              null,
              s.evidence(),
              rule == null ? 0 : rule.version(),
              s.constituents()));
    }
    return new UsageSnapshotView(
        accountId,
        t,
        account.provisional()
            ? account
            : withActivation(
                account, asOf == null ? account.activatedAt() : ev.metrics().activatedAt()),
        ev.metrics(),
        signals);
  }

  private static AccountView withActivation(AccountView a, Instant activatedAt) {
    return Objects.equals(a.activatedAt(), activatedAt)
        ? a
        : new AccountView(
            a.accountId(),
            a.provisional(),
            a.name(),
            a.arrMinor(),
            a.currencyCode(),
            a.locale(),
            a.region(),
            a.crmOwner(),
            a.signupTime(),
            activatedAt,
            a.subscriptionHistory());
  }

  // ---------------------------------------------------------------------------------------------------------

  public static SignalView toView(SignalDao.OccurrenceRow r) {
    return new SignalView(
        r.signalId(),
        r.accountId(),
        SignalType.valueOf(r.signalType()),
        r.status(),
        r.since().toInstant(),
        instant(r.activatesAt()),
        instant(r.resolvedAt()),
        parseEvidence(r.evidenceJson()),
        r.ruleVersion(),
        r.constituents().stream().map(SignalType::valueOf).toList());
  }

  static String evidenceJson(List<Evidence> evidence) {
    List<Map<String, String>> items = new ArrayList<>();
    for (Evidence e : evidence) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("metric", e.metric());
      m.put("value", e.value() == null ? "" : e.value().toPlainString());
      m.put("threshold", e.threshold() == null ? "" : e.threshold().toPlainString());
      m.put("description", e.description() == null ? "" : e.description());
      items.add(m);
    }
    try {
      return JSON.writeValueAsString(items);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  static List<Evidence> parseEvidence(String json) {
    try {
      List<Map<String, String>> items =
          JSON.readValue(json, new TypeReference<List<Map<String, String>>>() {});
      return items.stream()
          .map(
              m ->
                  new Evidence(
                      m.get("metric"),
                      m.get("value") == null || m.get("value").isEmpty()
                          ? null
                          : new BigDecimal(m.get("value")),
                      m.get("threshold") == null || m.get("threshold").isEmpty()
                          ? null
                          : new BigDecimal(m.get("threshold")),
                      m.get("description")))
          .toList();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt evidence", e);
    }
  }

  private static boolean sameJson(String a, String b) {
    try {
      return JSON.readTree(a).equals(JSON.readTree(b));
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /**
   * A fingerprint of the metrics (not of the instant): equal fingerprints mean "nothing new to
   * announce".
   */
  private static byte[] fingerprint(Evaluation ev) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(ev.metrics().toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
