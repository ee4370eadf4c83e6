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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongPredicate;
import org.jdbi.v3.core.Jdbi;

/**
 * Evaluates one account now and persists what changed: the engine's view (a pure function of the facts, the
 * subscription history, the catalog and the rules) is diffed against the stored open signal occurrences; the
 * diff, the new metrics fingerprint and the outbox entry announcing it commit in one transaction.
 */
public final class AccountEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one evaluation changed. {@code published} is null when nothing was announced. */
    public record Outcome(String accountId, int signalsChanged, AccountChange.Kind published, boolean metricsDeferred) {
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

    public AccountEvaluator(Jdbi jdbi, AccountService accounts, CatalogService catalog, RuleService rules,
            SignalEngine engine, Outbox outbox, AccountChange.Encoder encoder, Clock clock) {
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
     * @param mayPublishMetrics asked (with the account's nanoTime) whether a metrics-only change may be announced
     *                          now; when it answers false the change is neither stored nor announced, so the next
     *                          evaluation sees it again (debouncing)
     */
    public Outcome evaluateAndPersist(String accountId, LongPredicate mayPublishMetrics) {
        AccountView account = accounts.find(accountId).orElse(null);
        if (account == null || account.provisional()) {
            return Outcome.skipped(accountId); // nothing is evaluated until the account exists
        }
        Instant t = clock.instant();
        Map<SignalType, SignalRule> ruleSet = rules.current();
        Evaluation ev = evaluate(account, t, ruleSet);
        byte[] metricsHash = fingerprint(ev);
        return jdbi.inTransaction(h -> {
            SignalDao dao = h.attach(SignalDao.class);
            dao.lockAccount(accountId);
            Map<SignalType, SignalDao.OccurrenceRow> open = new EnumMap<>(SignalType.class);
            for (SignalDao.OccurrenceRow r : dao.openForUpdate(accountId)) {
                open.put(SignalType.valueOf(r.signalType()), r);
            }
            SignalDao.StateRow state = dao.stateForUpdate(accountId).orElse(null);
            List<SignalType> changed = new ArrayList<>();
            Map<SignalType, SignalDao.OccurrenceRow> after = new LinkedHashMap<>();
            for (SignalState s : ev.signals()) {
                SignalRule rule = ruleSet.get(s.type());
                long version = rule == null ? 0 : rule.version();
                SignalDao.OccurrenceRow prev = open.remove(s.type());
                SignalDao.OccurrenceRow row = new SignalDao.OccurrenceRow(prev == null ? 0 : prev.signalId(), accountId,
                        s.type().name(), s.status().name(), utc(s.since()), null, evidenceJson(s.evidence()),
                        s.constituents().stream().map(Enum::name).toList(), version);
                if (prev == null) {
                    long id = dao.insert(row);
                    row = new SignalDao.OccurrenceRow(id, accountId, row.signalType(), row.status(), row.since(), null,
                            row.evidenceJson(), row.constituents(), version);
                    changed.add(s.type());
                } else {
                    boolean statusChanged = !prev.status().equals(row.status());
                    if (statusChanged || !prev.since().toInstant().equals(s.since())
                            || !sameJson(prev.evidenceJson(), row.evidenceJson())
                            || !prev.constituents().equals(row.constituents()) || prev.ruleVersion() != version) {
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
            boolean metricsChanged = state == null || state.metricsHash() == null
                    || !Arrays.equals(state.metricsHash(), metricsHash);
            boolean accountChanged = state != null && state.accountDirty();
            AccountChange.Kind kind = !changed.isEmpty() ? AccountChange.Kind.SIGNALS
                    : accountChanged || state == null ? AccountChange.Kind.ACCOUNT
                    : metricsChanged ? AccountChange.Kind.METRICS : null;
            boolean deferred = false;
            if (kind == AccountChange.Kind.METRICS && !mayPublishMetrics.test(System.nanoTime())) {
                kind = null;
                deferred = true;
            } else {
                dao.saveState(accountId, metricsHash, utc(t));
            }
            if (ev.metrics().activatedAt() != null || account.activatedAt() != null) {
                h.attach(AccountDao.class).setActivatedAt(accountId, utc(ev.metrics().activatedAt()));
            }
            if (kind != null) {
                AccountView shown = withActivation(account, ev.metrics().activatedAt());
                List<SignalView> signals = after.values().stream().map(AccountEvaluator::toView).toList();
                UsageSnapshotView snapshot = new UsageSnapshotView(accountId, t, shown, ev.metrics(), signals);
                changed.sort(null);
                outbox.append(h, AccountChange.STREAM, accountId,
                        encoder.encode(new AccountChange(accountId, kind, t, snapshot, List.copyOf(changed))));
            }
            return new Outcome(accountId, changed.size(), kind, deferred);
        });
    }

    /** The engine's evaluation of an existing account at {@code t}. */
    Evaluation evaluate(AccountView account, Instant t, Map<SignalType, SignalRule> ruleSet) {
        List<UsageFact> facts = jdbi.withExtension(FactDao.class, dao -> dao.timeline(account.accountId()));
        return engine.evaluate(new AccountTimeline(account.toDomain(), catalog.snapshot(), facts), ruleSet, t);
    }

    /**
     * The usage snapshot at {@code asOf} (null = now). Signals holding now carry their stored ids; a past instant
     * is computed from the same facts, so its signals have no ids.
     */
    public UsageSnapshotView snapshot(String accountId, Instant asOf) {
        Instant now = clock.instant();
        if (asOf != null && asOf.isAfter(now)) {
            throw DomainException.InvalidArgument.of("as_of", "must not be in the future (now is " + now + ")");
        }
        AccountView account = accounts.get(accountId);
        Instant t = asOf == null ? now : asOf;
        Map<SignalType, SignalRule> ruleSet = rules.current();
        Evaluation ev = account.provisional()
                ? engine.evaluate(new AccountTimeline(null, catalog.snapshot(), List.of()), ruleSet, t)
                : evaluate(account, t, ruleSet);
        Map<SignalType, SignalDao.OccurrenceRow> open = new EnumMap<>(SignalType.class);
        if (asOf == null) {
            for (SignalDao.OccurrenceRow r : jdbi.withExtension(SignalDao.class, d -> d.open(accountId))) {
                open.put(SignalType.valueOf(r.signalType()), r);
            }
        }
        List<SignalView> signals = new ArrayList<>();
        for (SignalState s : ev.signals()) {
            SignalDao.OccurrenceRow stored = open.get(s.type());
            SignalRule rule = ruleSet.get(s.type());
            signals.add(new SignalView(stored == null ? 0 : stored.signalId(), accountId, s.type(), s.status().name(),
                    s.since(), null, s.evidence(), rule == null ? 0 : rule.version(), s.constituents()));
        }
        return new UsageSnapshotView(accountId, t, account.provisional() ? account
                : withActivation(account, asOf == null ? account.activatedAt() : ev.metrics().activatedAt()),
                ev.metrics(), signals);
    }

    private static AccountView withActivation(AccountView a, Instant activatedAt) {
        return Objects.equals(a.activatedAt(), activatedAt) ? a
                : new AccountView(a.accountId(), a.provisional(), a.name(), a.arrMinor(), a.currencyCode(), a.locale(),
                        a.region(), a.crmOwner(), a.signupTime(), activatedAt, a.subscriptionHistory());
    }

    // ---------------------------------------------------------------------------------------------------------

    public static SignalView toView(SignalDao.OccurrenceRow r) {
        return new SignalView(r.signalId(), r.accountId(), SignalType.valueOf(r.signalType()), r.status(),
                r.since().toInstant(), r.resolvedAt() == null ? null : r.resolvedAt().toInstant(),
                parseEvidence(r.evidenceJson()), r.ruleVersion(),
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
            List<Map<String, String>> items = JSON.readValue(json, new TypeReference<List<Map<String, String>>>() {});
            return items.stream().map(m -> new Evidence(m.get("metric"),
                    m.get("value") == null || m.get("value").isEmpty() ? null : new BigDecimal(m.get("value")),
                    m.get("threshold") == null || m.get("threshold").isEmpty() ? null : new BigDecimal(m.get("threshold")),
                    m.get("description"))).toList();
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

    /** A fingerprint of the metrics (not of the instant): equal fingerprints mean "nothing new to announce". */
    private static byte[] fingerprint(Evaluation ev) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(ev.metrics().toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
