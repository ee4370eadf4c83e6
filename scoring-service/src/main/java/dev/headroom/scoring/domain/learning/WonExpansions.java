package dev.headroom.scoring.domain.learning;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WON outcomes per account in time order: which expansion a signal converted into, and which
 * expansion came before another. Ties at one instant are ordered by outcome id.
 */
public final class WonExpansions {
  private static final Comparator<OutcomeRecord> CHRONOLOGICAL =
      Comparator.comparing(OutcomeRecord::occurredAt).thenComparing(OutcomeRecord::outcomeId);

  private final Map<String, List<OutcomeRecord>> byAccount = new HashMap<>();

  /** Keeps the WON ones of {@code outcomes}; LOST outcomes are not expansions. */
  public WonExpansions(List<OutcomeRecord> outcomes) {
    for (OutcomeRecord o : outcomes) {
      if (o.won()) {
        byAccount.computeIfAbsent(o.accountId(), a -> new ArrayList<>()).add(o);
      }
    }
    byAccount.values().forEach(list -> list.sort(CHRONOLOGICAL));
  }

  /**
   * The expansion a signal of {@code accountId} that fired at {@code since} converted into: the
   * earliest WON outcome with {@code since ≤ occurred_at ≤ since + window}, both ends inclusive.
   */
  public Optional<OutcomeRecord> firstWithin(String accountId, Instant since, Duration window) {
    Instant end = since.plus(window);
    for (OutcomeRecord o : byAccount.getOrDefault(accountId, List.of())) {
      if (o.occurredAt().isBefore(since)) {
        continue;
      }
      return o.occurredAt().isAfter(end) ? Optional.empty() : Optional.of(o);
    }
    return Optional.empty();
  }

  /** The account's latest WON outcome strictly before {@code outcome}'s instant. */
  public Optional<OutcomeRecord> previous(OutcomeRecord outcome) {
    OutcomeRecord latest = null;
    for (OutcomeRecord o : byAccount.getOrDefault(outcome.accountId(), List.of())) {
      if (!o.occurredAt().isBefore(outcome.occurredAt())) {
        break;
      }
      latest = o;
    }
    return Optional.ofNullable(latest);
  }
}
