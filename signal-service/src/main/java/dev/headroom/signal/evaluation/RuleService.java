package dev.headroom.signal.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.signal.db.RuleDao;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalType;
import dev.headroom.signal.engine.DefaultRules;
import dev.headroom.signal.engine.RuleValidator;
import dev.headroom.signal.engine.RuleViolation;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;

/**
 * Signal rules as versioned data: seeded from the engine's defaults on first start, changed through
 * {@link #update}, held in memory for the evaluator and re-read periodically so every instance
 * converges.
 */
public final class RuleService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;
  private final Clock clock;
  private final RuleValidator validator = new RuleValidator();
  private final AtomicReference<Map<SignalType, SignalRule>> rules =
      new AtomicReference<>(Map.of());
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public RuleService(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /**
   * Runs {@code listener} after every committed update (the scheduler re-evaluates every account).
   */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Seeds missing rules with the defaults (version 1) and loads them. */
  public void start() {
    Instant now = clock.instant();
    jdbi.useExtension(
        RuleDao.class,
        dao -> {
          for (SignalRule r : DefaultRules.all().values()) {
            dao.seed(
                toRow(
                    new SignalRule(
                        r.type(),
                        r.enabled(),
                        r.thresholds(),
                        r.windows(),
                        1,
                        now,
                        DefaultRules.SYSTEM)));
          }
        });
    reload();
  }

  public Map<SignalType, SignalRule> current() {
    return rules.get();
  }

  public Map<SignalType, SignalRule> reload() {
    Map<SignalType, SignalRule> m = new EnumMap<>(SignalType.class);
    for (RuleDao.RuleRow row : jdbi.withExtension(RuleDao.class, RuleDao::all)) {
      SignalRule r = fromRow(row);
      if (r != null) {
        m.put(r.type(), r);
      }
    }
    Map<SignalType, SignalRule> copy = Map.copyOf(m);
    rules.set(copy);
    return copy;
  }

  /** The rules in type order. */
  public List<SignalRule> list() {
    return new TreeMap<>(reload()).values().stream().toList();
  }

  /**
   * Applies the named thresholds/windows (names not given keep their values) as the next version.
   *
   * @param enabled null keeps the current flag
   * @param expectedVersion 0 skips the optimistic check
   */
  public SignalRule update(
      SignalType type,
      Boolean enabled,
      Map<String, BigDecimal> thresholds,
      Map<String, Duration> windows,
      long expectedVersion,
      String actor) {
    if (type == null) {
      throw DomainException.InvalidArgument.of("rule.type", "required: the signal type to change");
    }
    SignalRule cur = reload().get(type);
    if (cur == null) {
      throw new DomainException.NotFound("signal_rule", type.name());
    }
    if (expectedVersion != 0 && expectedVersion != cur.version()) {
      throw versionMismatch(type, expectedVersion, cur.version());
    }
    Map<String, BigDecimal> t = new HashMap<>(cur.thresholds());
    t.putAll(thresholds);
    Map<String, Duration> w = new HashMap<>(cur.windows());
    w.putAll(windows);
    SignalRule next =
        new SignalRule(
            type,
            enabled == null ? cur.enabled() : enabled,
            t,
            w,
            cur.version() + 1,
            clock.instant(),
            actor.isEmpty() ? "unknown" : actor);
    List<RuleViolation> problems = validator.validate(next);
    if (!problems.isEmpty()) {
      throw new DomainException.InvalidArgument(
          problems.stream()
              .map(p -> new FieldViolation("rule." + p.field(), p.message()))
              .toList());
    }
    boolean written = jdbi.withExtension(RuleDao.class, dao -> dao.update(toRow(next)));
    if (!written) {
      long now = reload().get(type).version();
      throw versionMismatch(type, expectedVersion == 0 ? cur.version() : expectedVersion, now);
    }
    reload();
    listeners.forEach(Runnable::run);
    return next;
  }

  private static DomainException versionMismatch(SignalType type, long expected, long actual) {
    return new DomainException.FailedPrecondition(
        "rule "
            + type
            + " is at version "
            + actual
            + ", not "
            + expected
            + ": someone else changed it; re-read and retry",
        Map.of("current_version", Long.toString(actual)));
  }

  private static RuleDao.RuleRow toRow(SignalRule r) {
    Map<String, String> t = new TreeMap<>();
    r.thresholds().forEach((k, v) -> t.put(k, v.toPlainString()));
    Map<String, String> w = new TreeMap<>();
    r.windows().forEach((k, v) -> w.put(k, v.toString()));
    try {
      return new RuleDao.RuleRow(
          r.type().name(),
          r.enabled(),
          JSON.writeValueAsString(t),
          JSON.writeValueAsString(w),
          r.version(),
          OffsetDateTime.ofInstant(r.updatedAt(), ZoneOffset.UTC),
          r.updatedBy());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SignalRule fromRow(RuleDao.RuleRow row) {
    SignalType type;
    try {
      type = SignalType.valueOf(row.signalType());
    } catch (IllegalArgumentException e) {
      return null; // a type this version does not know (written by a newer one): ignore it
    }
    try {
      Map<String, String> t =
          JSON.readValue(row.thresholdsJson(), new TypeReference<Map<String, String>>() {});
      Map<String, String> w =
          JSON.readValue(row.windowsJson(), new TypeReference<Map<String, String>>() {});
      Map<String, BigDecimal> thresholds = new HashMap<>();
      t.forEach((k, v) -> thresholds.put(k, new BigDecimal(v)));
      Map<String, Duration> windows = new HashMap<>();
      w.forEach((k, v) -> windows.put(k, Duration.parse(v)));
      return new SignalRule(
          type,
          row.enabled(),
          thresholds,
          windows,
          row.version(),
          row.updatedAt().toInstant(),
          row.updatedBy());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt rule row " + row.signalType(), e);
    }
  }
}
