package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.FrequencyCap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Per user: the impressions of the last {@link #RETENTION} (for the caps) and the last dismissal
 * (for the cooldown). A decision holds its user's {@link History} lock from the cap check until it
 * recorded the impression, so concurrent calls for one user cannot both pass a cap. Windows follow
 * DOMAIN.md: "in the last N" is (t − N, t], so an impression exactly N old no longer counts.
 */
public final class UserLedger {
  /** The longest window a cap may have; older impressions are forgotten. */
  public static final Duration RETENTION = Duration.ofDays(30);

  private final ConcurrentHashMap<String, History> users = new ConcurrentHashMap<>();
  private final CapSettings caps;

  public UserLedger(CapSettings caps) {
    this.caps = caps;
  }

  public CapSettings caps() {
    return caps;
  }

  public static String key(String accountId, String userId) {
    return accountId + "/" + userId;
  }

  /**
   * Runs {@code action} on the user's history (created on first use) while holding its lock. A
   * history the sweep retired meanwhile is looked up again, so nothing is recorded into a history
   * that is no longer in the ledger.
   */
  public <T> T withHistory(String accountId, String userId, Function<History, T> action) {
    String key = key(accountId, userId);
    while (true) {
      // Most calls find the user: a plain read first, as computeIfAbsent may lock the bin.
      History h = users.get(key);
      if (h == null) {
        h = users.computeIfAbsent(key, k -> new History());
      }
      synchronized (h) {
        if (!h.retired) {
          return action.apply(h);
        }
      }
    }
  }

  public void recordImpression(String accountId, String userId, String campaignId, Instant at) {
    withHistory(
        accountId,
        userId,
        h -> {
          h.add(campaignId, at);
          return null;
        });
  }

  public void recordDismissal(String accountId, String userId, Instant at) {
    withHistory(
        accountId,
        userId,
        h -> {
          h.dismissed(at);
          return null;
        });
  }

  /** Forgets impressions and dismissals that no cap or cooldown can see at {@code now}. */
  public void sweep(Instant now) {
    Instant cooldownStart = now.minus(caps.dismissalCooldown());
    users
        .entrySet()
        .removeIf(
            e -> {
              History h = e.getValue();
              synchronized (h) {
                h.prune(now);
                h.retired =
                    h.impressions.isEmpty()
                        && (h.lastDismissal == null || !h.lastDismissal.isAfter(cooldownStart));
                return h.retired;
              }
            });
  }

  public int size() {
    return users.size();
  }

  /** Forgets everything (before a restore from the database). */
  public void clear() {
    users.clear();
  }

  /** One user's impressions (oldest first) and last dismissal; guarded by its own monitor. */
  public final class History {
    private final ArrayDeque<Impression> impressions = new ArrayDeque<>();
    private Instant lastDismissal;
    // Set by the sweep when it removes this history from the ledger.
    private boolean retired;

    private record Impression(String campaignId, Instant at) {}

    private History() {}

    void add(String campaignId, Instant at) {
      Impression added = new Impression(campaignId, at);
      if (impressions.isEmpty() || !impressions.peekLast().at().isAfter(at)) {
        impressions.addLast(added);
        return;
      }
      // A request_time in the past (a replay): keep the deque in time order, which count() needs.
      List<Impression> all = new ArrayList<>(impressions);
      all.add(added);
      all.sort(Comparator.comparing(Impression::at));
      impressions.clear();
      impressions.addAll(all);
    }

    void dismissed(Instant at) {
      if (lastDismissal == null || at.isAfter(lastDismissal)) {
        lastDismissal = at;
      }
    }

    private void prune(Instant now) {
      Instant horizon = now.minus(RETENTION);
      while (!impressions.isEmpty() && !impressions.peekFirst().at().isAfter(horizon)) {
        impressions.removeFirst();
      }
    }

    private long count(Instant now, Duration window, Predicate<String> campaign) {
      Instant start = now.minus(window);
      long n = 0;
      for (Iterator<Impression> it = impressions.descendingIterator(); it.hasNext(); ) {
        Impression i = it.next();
        if (!i.at().isAfter(start)) {
          break;
        }
        if (!i.at().isAfter(now) && campaign.test(i.campaignId())) {
          n++;
        }
      }
      return n;
    }

    /** True when a global cap is reached at {@code now}. */
    public boolean globallyCapped(Instant now) {
      prune(now);
      return (caps.perDay() > 0 && count(now, CapSettings.DAY, c -> true) >= caps.perDay())
          || (caps.perWeek() > 0 && count(now, CapSettings.WEEK, c -> true) >= caps.perWeek());
    }

    public boolean campaignCapped(String campaignId, Optional<FrequencyCap> cap, Instant now) {
      return cap.filter(c -> c.maxImpressions() > 0)
          .map(c -> count(now, c.per(), campaignId::equals) >= c.maxImpressions())
          .orElse(false);
    }

    /** True while a dismissal is less than the cooldown ago. */
    public boolean coolingDown(Instant now) {
      return lastDismissal != null
          && !lastDismissal.isAfter(now)
          && now.isBefore(lastDismissal.plus(caps.dismissalCooldown()));
    }

    public void recordNow(String campaignId, Instant at) {
      add(campaignId, at);
    }
  }
}
