package dev.headroom.signal.domain;

import java.time.Instant;
import java.util.List;

/**
 * A signal whose condition holds at the evaluation instant.
 *
 * @param since when it became active: the start of the condition's current run, plus the sustain
 *     window for sustained signals; for PENDING, when the run started
 * @param activatesAt PENDING only (else null): when it becomes active if the condition keeps
 *     holding, the start of the run plus the sustain window
 * @param constituents MULTI_SIGNAL only: the base signals that make it up
 */
public record SignalState(
    SignalType type,
    Status status,
    Instant since,
    Instant activatesAt,
    List<Evidence> evidence,
    List<SignalType> constituents) {

  public enum Status {
    /** Holds, but a sustained signal's window has not elapsed. */
    PENDING,
    /** Holds on an activated account. */
    ACTIVE,
    /** Holds on an account that is not activated: recorded, never acted on. */
    SUPPRESSED
  }

  public SignalState {
    evidence = List.copyOf(evidence);
    constituents = List.copyOf(constituents);
  }
}
