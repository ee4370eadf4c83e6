package dev.headroom.scoring.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A signal holding at the evaluation instant, with the evidence signal-service attached.
 *
 * @param signalId signal-service's id, carried through to the score's explanation
 * @param since when the signal became active (for sustained signals: the end of the sustain window)
 */
public record HeldSignal(
    String signalId, SignalType type, SignalStatus status, Instant since, List<Evidence> evidence) {
  public HeldSignal {
    Objects.requireNonNull(signalId, "signalId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(since, "since");
    evidence = List.copyOf(evidence);
  }

  /** The expansion type this signal points to; empty for MULTI_SIGNAL. */
  public Optional<ExpansionType> expansionType() {
    return type.expansionType();
  }

  public boolean isActive() {
    return status == SignalStatus.ACTIVE;
  }

  /**
   * What identifies this signal for "did anything change": evidence values move constantly and do
   * not count.
   */
  SignalKey key() {
    return new SignalKey(type, status, since);
  }

  record SignalKey(SignalType type, SignalStatus status, Instant since) {}
}
