package dev.headroom.signal.evaluation;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalType;
import java.time.Instant;
import java.util.List;

/**
 * A stored (or, for past snapshots, computed) signal occurrence.
 *
 * @param signalId 0 for a computed occurrence that was never stored (a snapshot of a past instant)
 * @param status PENDING, ACTIVE, SUPPRESSED or RESOLVED
 * @param activatesAt PENDING only (else null): when it becomes active if the condition keeps
 *     holding
 * @param resolvedAt null while the condition holds
 */
public record SignalView(
    long signalId,
    String accountId,
    SignalType type,
    String status,
    Instant since,
    Instant activatesAt,
    Instant resolvedAt,
    List<Evidence> evidence,
    long ruleVersion,
    List<SignalType> constituents) {

  public SignalView {
    evidence = List.copyOf(evidence);
    constituents = List.copyOf(constituents);
  }
}
