package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.FrequencyCap;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

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
                    h.isEmpty()
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
    private static final long[] NO_SECONDS = {};
    private static final int[] NO_NANOS = {};
    private static final String[] NO_CAMPAIGNS = {};

    // The impressions in time order as parallel arrays (epoch second, nano of second, campaign id)
    // rather than an object each: every decision for the user walks them while the ledger holds
    // hundreds of thousands of users, and each object on the way would be a cache miss of its own.
    // A cap's window holds a handful of impressions, so the arrays stay small.
    private long[] seconds = NO_SECONDS;
    private int[] nanos = NO_NANOS;
    private String[] campaigns = NO_CAMPAIGNS;
    private int size;
    private Instant lastDismissal;
    // Set by the sweep when it removes this history from the ledger.
    private boolean retired;

    private History() {}

    /** Inserted after every impression not later than {@code at}, so the order stays by time. */
    void add(String campaignId, Instant at) {
      if (size == seconds.length) {
        int capacity = Math.max(2, size * 2);
        seconds = Arrays.copyOf(seconds, capacity);
        nanos = Arrays.copyOf(nanos, capacity);
        campaigns = Arrays.copyOf(campaigns, capacity);
      }
      long second = at.getEpochSecond();
      int nano = at.getNano();
      int i = size;
      // A request_time in the past (a replay) lands before the later impressions.
      while (i > 0 && after(i - 1, second, nano)) {
        i--;
      }
      int moved = size - i;
      System.arraycopy(seconds, i, seconds, i + 1, moved);
      System.arraycopy(nanos, i, nanos, i + 1, moved);
      System.arraycopy(campaigns, i, campaigns, i + 1, moved);
      seconds[i] = second;
      nanos[i] = nano;
      campaigns[i] = campaignId;
      size++;
    }

    /** True when impression {@code i} is later than the instant (second, nano). */
    private boolean after(int i, long second, int nano) {
      return seconds[i] > second || (seconds[i] == second && nanos[i] > nano);
    }

    void dismissed(Instant at) {
      if (lastDismissal == null || at.isAfter(lastDismissal)) {
        lastDismissal = at;
      }
    }

    private void prune(Instant now) {
      Instant horizon = now.minus(RETENTION);
      long second = horizon.getEpochSecond();
      int nano = horizon.getNano();
      int forgotten = 0;
      while (forgotten < size && !after(forgotten, second, nano)) {
        forgotten++;
      }
      if (forgotten == 0) {
        return;
      }
      int kept = size - forgotten;
      System.arraycopy(seconds, forgotten, seconds, 0, kept);
      System.arraycopy(nanos, forgotten, nanos, 0, kept);
      System.arraycopy(campaigns, forgotten, campaigns, 0, kept);
      Arrays.fill(campaigns, kept, size, null);
      size = kept;
    }

    /**
     * Impressions in (now − window, now], of one campaign or (when {@code campaignId} is null) of
     * any.
     */
    private long count(Instant now, Duration window, String campaignId) {
      Instant start = now.minus(window);
      long startSecond = start.getEpochSecond();
      int startNano = start.getNano();
      long nowSecond = now.getEpochSecond();
      int nowNano = now.getNano();
      long n = 0;
      for (int i = size - 1; i >= 0 && after(i, startSecond, startNano); i--) {
        if (!after(i, nowSecond, nowNano)
            && (campaignId == null || campaignId.equals(campaigns[i]))) {
          n++;
        }
      }
      return n;
    }

    private boolean isEmpty() {
      return size == 0;
    }

    /** True when a global cap is reached at {@code now}. */
    public boolean globallyCapped(Instant now) {
      prune(now);
      return (caps.perDay() > 0 && count(now, CapSettings.DAY, null) >= caps.perDay())
          || (caps.perWeek() > 0 && count(now, CapSettings.WEEK, null) >= caps.perWeek());
    }

    public boolean campaignCapped(String campaignId, Optional<FrequencyCap> cap, Instant now) {
      return cap.filter(c -> c.maxImpressions() > 0)
          .map(c -> count(now, c.per(), campaignId) >= c.maxImpressions())
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
