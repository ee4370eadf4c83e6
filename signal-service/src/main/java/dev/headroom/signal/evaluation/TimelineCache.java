package dev.headroom.signal.evaluation;

import dev.headroom.signal.domain.UsageFact;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded LRU of per-account timelines (facts in {@link UsageFact#TIMELINE_ORDER}) for the
 * background evaluator, so an evaluation does not reload every fact of the account.
 *
 * <p>Kept equal to the database by construction:
 *
 * <ul>
 *   <li>an entry is created (state "loading") <em>before</em> its facts are read from the database,
 *       and every fact committed afterwards is offered to it by the ingest path right after its
 *       commit; offers that arrive while loading are buffered and merged after the load. A fact
 *       committed before the entry existed is in the load; one committed after is offered. Facts
 *       that are both are merged once: an entry is a set keyed by (occurred_at, event_id), unique
 *       within an account as event ids are.
 *   <li>late and out-of-order facts are inserted at their place in the order (binary search), not
 *       appended.
 *   <li>anything else that writes facts (PutUser) invalidates the account's entry; an invalidation
 *       during a load keeps the loaded list out of the cache.
 * </ul>
 *
 * Bounded by the total number of cached facts: least recently evaluated accounts are evicted first.
 * An account whose offers pile up without an evaluation is dropped ({@link #MAX_PENDING}).
 */
final class TimelineCache {

  private static final class Entry {
    List<UsageFact> facts; // sorted; null while loading
    List<UsageFact> pending =
        new ArrayList<>(); // offered since, in any order; merged by the evaluation
  }

  /**
   * The timeline order without the boxing and lambdas of {@link UsageFact#TIMELINE_ORDER} (same
   * result).
   */
  static final Comparator<UsageFact> ORDER =
      (a, b) -> {
        int c = a.occurredAt().compareTo(b.occurredAt());
        return c != 0 ? c : a.eventId().compareTo(b.eventId());
      };

  /**
   * An entry with more offered facts waiting than this (or than an eighth of its loaded facts, for
   * large accounts) is dropped. Under a firehose the evaluator gives way to ingest and every
   * account's offers pile up for minutes; each offered fact would then survive young collections,
   * making them long and frequent pauses that every batch in flight waits out. Reloading the
   * account on its next evaluation is one index range scan. Outside a firehose an account is
   * evaluated within milliseconds of its batch, so nothing piles up.
   */
  static final int MAX_PENDING = 32;

  /**
   * Bound of {@link #strings}; when full it is cleared and refills (sharing is an optimisation
   * only).
   */
  private static final int MAX_SHARED_STRINGS = 200_000;

  private final long maxFacts;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);

  /** One instance per distinct account, user, team and key string among the cached facts. */
  private final HashMap<String, String> strings = new HashMap<>();

  private long cachedFacts;
  private long hits;
  private long misses;

  TimelineCache(long maxFacts) {
    this.maxFacts = maxFacts;
  }

  /** The account's facts (a snapshot), from the cache or loaded with {@code loader}. */
  List<UsageFact> timeline(String accountId, Function<String, List<UsageFact>> loader) {
    if (maxFacts <= 0) {
      return loader.apply(accountId);
    }
    Entry e;
    synchronized (this) {
      e = entries.get(accountId);
      if (e != null && e.facts != null) {
        hits++;
        if (!e.pending.isEmpty()) {
          int offered = e.pending.size();
          cachedFacts += merge(e.facts, e.pending) - offered;
          e.pending = new ArrayList<>();
        }
        return List.copyOf(e.facts);
      }
      misses++;
      if (e == null) {
        e = new Entry();
        entries.put(accountId, e);
      }
    }
    List<UsageFact> loaded;
    try {
      loaded = new ArrayList<>(loader.apply(accountId));
    } catch (RuntimeException ex) {
      synchronized (this) {
        if (entries.get(accountId) == e && e.facts == null) {
          entries.remove(accountId);
        }
      }
      throw ex;
    }
    synchronized (this) {
      if (entries.get(accountId) != e || e.facts != null) {
        return loaded; // invalidated (or loaded by someone else) meanwhile: use it once, do not
        // cache
      }
      cachedFacts -= e.pending.size();
      merge(loaded, e.pending);
      e.pending = new ArrayList<>();
      e.facts = loaded;
      cachedFacts += loaded.size();
      evict();
      return List.copyOf(loaded);
    }
  }

  /**
   * Facts just committed by one batch, per account, under one lock for the whole batch (a batch
   * touches up to a thousand accounts, and the evaluator threads take the same lock).
   */
  synchronized void offer(Map<String, List<UsageFact>> factsByAccount) {
    long offered = 0;
    for (Map.Entry<String, List<UsageFact>> batch : factsByAccount.entrySet()) {
      Entry e = entries.get(batch.getKey());
      if (e == null) {
        continue; // not cached: the next load reads them
      }
      if (e.facts != null
          && e.pending.size() + batch.getValue().size()
              > Math.max(MAX_PENDING, e.facts.size() / 8)) {
        invalidate(batch.getKey());
        continue;
      }
      // O(batch): the ingest thread only appends; the evaluation merges (coalesced).
      for (UsageFact f : batch.getValue()) {
        e.pending.add(withSharedStrings(f));
      }
      offered += batch.getValue().size();
    }
    if (offered > 0) {
      cachedFacts += offered;
      evict();
    }
  }

  synchronized void invalidate(String accountId) {
    Entry e = entries.remove(accountId);
    if (e != null) {
      cachedFacts -= size(e);
    }
  }

  synchronized void clear() {
    entries.clear();
    strings.clear();
    cachedFacts = 0;
  }

  synchronized long hits() {
    return hits;
  }

  synchronized long misses() {
    return misses;
  }

  synchronized long cachedFacts() {
    return cachedFacts;
  }

  /**
   * The fact with its repetitive strings (account, user, team, key) replaced by shared instances.
   * Under a firehose every offered fact survives into the old generation; each one arrives with its
   * own copies of these strings (decoded per request), and copying them made young-generation
   * pauses noticeably longer. Only the fact, its event id, instant and quantity stay per fact.
   */
  private UsageFact withSharedStrings(UsageFact f) {
    if (strings.size() > MAX_SHARED_STRINGS) {
      strings.clear();
    }
    return new UsageFact(
        f.eventId(),
        shared(f.accountId()),
        shared(f.userId()),
        f.occurredAt(),
        f.kind(),
        f.role(),
        shared(f.team()),
        shared(f.key()),
        f.quantity());
  }

  private String shared(String s) {
    return s == null ? null : strings.computeIfAbsent(s, k -> k);
  }

  /** The facts an entry counts for in {@link #cachedFacts}: loaded and offered. */
  private static long size(Entry e) {
    return (e.facts == null ? 0L : (long) e.facts.size()) + e.pending.size();
  }

  private void evict() {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (cachedFacts > maxFacts && it.hasNext()) {
      Entry e = it.next().getValue();
      if (e.facts == null) {
        continue; // being loaded: its loader installs it
      }
      cachedFacts -= size(e);
      it.remove();
    }
  }

  /**
   * Merges the facts of {@code add} (any order, may repeat facts already present) into sorted
   * {@code into}, keeping it sorted and free of repeats; returns how many were added. Appends in
   * place when everything is newer, otherwise one linear merge.
   */
  static int merge(List<UsageFact> into, List<UsageFact> add) {
    if (add.isEmpty()) {
      return 0;
    }
    List<UsageFact> sorted = new ArrayList<>(add);
    sorted.sort(ORDER);
    int n = into.size();
    if (n == 0 || ORDER.compare(into.get(n - 1), sorted.get(0)) < 0) {
      UsageFact prev = null;
      int added = 0;
      for (UsageFact f : sorted) {
        if (prev == null || ORDER.compare(prev, f) != 0) {
          into.add(f);
          added++;
        }
        prev = f;
      }
      return added;
    }
    List<UsageFact> out = new ArrayList<>(n + sorted.size());
    int i = 0;
    int j = 0;
    while (i < n || j < sorted.size()) {
      UsageFact next;
      if (j >= sorted.size()) {
        next = into.get(i++);
      } else if (i >= n) {
        next = sorted.get(j++);
      } else {
        int c = ORDER.compare(into.get(i), sorted.get(j));
        next = c <= 0 ? into.get(i++) : sorted.get(j++);
      }
      if (out.isEmpty() || ORDER.compare(out.get(out.size() - 1), next) != 0) {
        out.add(next);
      }
    }
    int added = out.size() - n;
    into.clear();
    into.addAll(out);
    return added;
  }
}
