package dev.headroom.plugin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers prompt-service's "no prompt" answers for a short time so that a burst of identical
 * calls (one page asking from several widgets, a user hammering a gated button) costs one call. An
 * offer is never cached: every offer is a new decision that prompt-service counts against the
 * frequency caps, so a cached offer would be shown again behind the caps' back. Bounded: when full
 * it drops expired answers, and if still full it simply does not remember the new one.
 */
final class DecisionCache {
  /** One question to prompt-service; the role is part of it (it changes the offer's copy). */
  record Key(
      String accountId,
      String userId,
      String featureKey,
      Surface surface,
      String locale,
      UserRole role) {}

  private record Answer(NoPromptReason reason, long expiresAt) {}

  private final Map<Key, Answer> answers = new ConcurrentHashMap<>();
  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier ticker;

  DecisionCache(long ttlNanos, int maxEntries, LongSupplier ticker) {
    this.ttlNanos = ttlNanos;
    this.maxEntries = maxEntries;
    this.ticker = ticker;
  }

  /** The remembered "no prompt" reason, or null. */
  NoPromptReason lookup(Key key) {
    Answer a = answers.get(key);
    if (a == null) {
      return null;
    }
    if (ticker.getAsLong() - a.expiresAt() >= 0) {
      answers.remove(key, a);
      return null;
    }
    return a.reason();
  }

  /** Remembers a "no prompt" answer that prompt-service decided. */
  void remember(Key key, NoPromptReason reason) {
    if (ttlNanos <= 0 || !reason.decidedByService()) {
      return;
    }
    long now = ticker.getAsLong();
    if (answers.size() >= maxEntries) {
      answers.values().removeIf(a -> now - a.expiresAt() >= 0);
      if (answers.size() >= maxEntries) {
        return;
      }
    }
    answers.put(key, new Answer(reason, now + ttlNanos));
  }

  int size() {
    return answers.size();
  }
}
