package dev.headroom.signal.domain;

import java.time.Instant;
import java.util.Map;

/**
 * What an evaluation at {@code asOf} established about the runs of the conditions holding then, so
 * that the next evaluation of the account searches back only to {@code asOf} instead of through its
 * whole history. Keep the latest one per account and pass it to the next evaluation; the engine
 * uses it only when it still describes the same history (same account data and catalog, the same
 * facts before {@code asOf}, the same rule), so a stale memory costs a full search, never a wrong
 * since.
 *
 * @param factsBefore how many facts occurred before asOf
 * @param historyHash a hash of those facts in timeline order
 * @param runs per base signal holding at asOf: the rule it was evaluated under and its run's start
 */
public record RunMemory(
    Instant asOf,
    Account account,
    Catalog catalog,
    int factsBefore,
    long historyHash,
    Map<SignalType, Run> runs) {

  public record Run(SignalRule rule, Instant start) {}

  public RunMemory {
    runs = Map.copyOf(runs);
  }
}
