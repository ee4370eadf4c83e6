package dev.headroom.plugin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Asks prompt-service for prompts and reports what users did with them. Obtained from {@link
 * HeadroomClient#prompts()}; thread safe.
 *
 * <p>{@link #get} fails open: it never throws and never takes much longer than the deadline. A
 * burst of identical calls is absorbed in two ways. Concurrent identical calls share one call to
 * prompt-service; if it returns an offer, exactly one caller gets it and the others get {@link
 * NoPromptReason#COALESCED}, so one user action never renders the same offer twice. And a "no
 * prompt" answer is remembered for a short time ({@link HeadroomClient.Builder#cacheTtl}); an offer
 * is never remembered, because each offer is a decision that prompt-service counts against the
 * user's frequency caps.
 */
public final class PromptClient {
  private final PromptWire wire;
  private final DecisionCache cache;
  private final CircuitBreaker breaker;
  private final Duration deadline;
  private final long followerWaitNanos;
  private final HeadroomListener listener;
  private final LongSupplier ticker;
  private final Clock clock;
  private final EventPipeline<PromptEventRecord> events;
  private final StatsRecorder stats;
  private final AtomicBoolean closed;
  private final Map<DecisionCache.Key, CompletableFuture<PromptDecision>> inFlight =
      new ConcurrentHashMap<>();

  PromptClient(
      PromptWire wire,
      DecisionCache cache,
      CircuitBreaker breaker,
      Duration deadline,
      HeadroomListener listener,
      LongSupplier ticker,
      Clock clock,
      EventPipeline<PromptEventRecord> events,
      StatsRecorder stats,
      AtomicBoolean closed) {
    this.wire = wire;
    this.cache = cache;
    this.breaker = breaker;
    this.deadline = deadline;
    // A follower waits for the leader's call, which the deadline bounds; the margin covers the
    // leader's own bookkeeping after its call returns.
    this.followerWaitNanos = deadline.toNanos() + TimeUnit.MILLISECONDS.toNanos(20);
    this.listener = listener;
    this.ticker = ticker;
    this.clock = clock;
    this.events = events;
    this.stats = stats;
    this.closed = closed;
  }

  /**
   * Is there an offer for this user touching this feature on this surface? Without the user's role,
   * prompt-service treats the user as a {@link UserRole#MEMBER}: the offer, if any, is the "ask
   * your admin" copy. Use {@link #get(String, String, String, Surface, String, UserRole)} when the
   * host knows the role.
   *
   * @see #get(String, String, String, Surface, String, UserRole)
   */
  public PromptDecision get(
      String accountId, String userId, String featureKey, Surface surface, String locale) {
    return get(accountId, userId, featureKey, surface, locale, null);
  }

  /**
   * Is there an offer for this user, who has this role now, touching this feature on this surface?
   * Returns within about the configured deadline, never throws, never returns null.
   *
   * @param accountId the host's account id (required)
   * @param userId the host's user id (required)
   * @param featureKey the feature being touched; null or empty on HOME and BILLING
   * @param surface where the prompt would appear (required)
   * @param locale BCP 47 locale of the user, e.g. "en-US"; null or empty for the account's
   * @param role the user's role as the host knows it at this moment: OWNER, ADMIN and BILLING get
   *     the self-serve offer, MEMBER (or null) the "ask your admin" copy
   * @return the offer, or no prompt with the reason
   */
  public PromptDecision get(
      String accountId,
      String userId,
      String featureKey,
      Surface surface,
      String locale,
      UserRole role) {
    long started = ticker.getAsLong();
    PromptDecision decision;
    try {
      decision = decide(accountId, userId, featureKey, surface, locale, role);
    } catch (RuntimeException e) {
      decision = PromptDecision.none(NoPromptReason.ERROR);
    }
    listener.onDecision(decision, ticker.getAsLong() - started);
    return decision;
  }

  private PromptDecision decide(
      String accountId,
      String userId,
      String featureKey,
      Surface surface,
      String locale,
      UserRole role) {
    if (closed.get()) {
      return PromptDecision.none(NoPromptReason.CLIENT_CLOSED);
    }
    if (isBlank(accountId) || isBlank(userId) || surface == null) {
      return PromptDecision.none(NoPromptReason.INVALID_REQUEST);
    }
    DecisionCache.Key key =
        new DecisionCache.Key(
            accountId, userId, orEmpty(featureKey), surface, orEmpty(locale), role);
    NoPromptReason remembered = cache.lookup(key);
    if (remembered != null) {
      return PromptDecision.none(remembered);
    }
    CompletableFuture<PromptDecision> mine = new CompletableFuture<>();
    CompletableFuture<PromptDecision> leader = inFlight.putIfAbsent(key, mine);
    if (leader != null) {
      return follow(leader);
    }
    PromptDecision decision = PromptDecision.none(NoPromptReason.ERROR);
    try {
      decision = callService(key);
      decision.noPromptReason().ifPresent(reason -> cache.remember(key, reason));
      return decision;
    } finally {
      inFlight.remove(key, mine);
      mine.complete(decision);
    }
  }

  private PromptDecision follow(CompletableFuture<PromptDecision> leader) {
    try {
      PromptDecision shared = leader.get(followerWaitNanos, TimeUnit.NANOSECONDS);
      return shared.hasPrompt() ? PromptDecision.none(NoPromptReason.COALESCED) : shared;
    } catch (TimeoutException e) {
      return PromptDecision.none(NoPromptReason.DEADLINE_EXCEEDED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PromptDecision.none(NoPromptReason.ERROR);
    } catch (ExecutionException e) {
      return PromptDecision.none(NoPromptReason.ERROR);
    }
  }

  private PromptDecision callService(DecisionCache.Key key) {
    NoPromptReason blocked = breaker.admit();
    if (blocked != null) {
      return PromptDecision.none(blocked);
    }
    try {
      PromptDecision decision = wire.get(key, deadline);
      breaker.onSuccess();
      return decision;
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      listener.onCallFailed(status);
      if (serviceFault(status.getCode())) {
        breaker.onFailure();
      }
      return PromptDecision.none(reason(status.getCode()));
    }
  }

  /** Statuses that say the service is in trouble, as opposed to this one request being wrong. */
  private static boolean serviceFault(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE -> false;
      default -> true;
    };
  }

  private static NoPromptReason reason(Status.Code code) {
    return switch (code) {
      case DEADLINE_EXCEEDED -> NoPromptReason.DEADLINE_EXCEEDED;
      case UNAVAILABLE -> NoPromptReason.UNAVAILABLE;
      case INVALID_ARGUMENT -> NoPromptReason.INVALID_REQUEST;
      default -> NoPromptReason.ERROR;
    };
  }

  /** Reports that the offer was rendered where the user could see it; returns the event's id. */
  public String shown(String decisionId) {
    return report(PromptEventKind.SHOWN, decisionId);
  }

  /** Reports that the user followed the offer's call to action; returns the event's id. */
  public String clicked(String decisionId) {
    return report(PromptEventKind.CLICKED, decisionId);
  }

  /** Reports that the user closed the offer; returns the event's id. */
  public String dismissed(String decisionId) {
    return report(PromptEventKind.DISMISSED, decisionId);
  }

  /** Reports a purchase that followed the offer, with its revenue; returns the event's id. */
  public String converted(String decisionId, Price revenue) {
    return enqueue(PromptEventKind.CONVERTED, decisionId, revenue, "", "");
  }

  /**
   * Reports a purchase that no offer led to directly (e.g. on the billing page); prompt-service
   * attributes it to the user's earlier exposures. Returns the event's id.
   */
  public String converted(String accountId, String userId, Price revenue) {
    return enqueue(PromptEventKind.CONVERTED, "", revenue, orEmpty(accountId), orEmpty(userId));
  }

  /**
   * Reports what the user did with an offer, e.g. from the web component's POST to the host.
   * Returns the event's id. The event is sent in the background; this never blocks or throws.
   */
  public String report(PromptEventKind kind, String decisionId) {
    return enqueue(kind, decisionId, null, "", "");
  }

  private String enqueue(
      PromptEventKind kind, String decisionId, Price revenue, String accountId, String userId) {
    String id = UUID.randomUUID().toString();
    stats.recorded(EventStream.PROMPT_EVENTS);
    events.offer(
        new PromptEventRecord(
            id, orEmpty(decisionId), kind, clock.instant(), revenue, accountId, userId));
    return id;
  }

  static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
