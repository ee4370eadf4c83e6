package dev.headroom.signal.domain;

import java.time.Instant;
import java.util.List;

/**
 * The result of evaluating one account at instant {@code asOf}: a pure function of its facts with
 * occurred_at <= asOf, its subscription history, the catalog and the rules.
 *
 * @param signals the signals holding at asOf (pending, active or suppressed); absent types do not
 *     hold
 * @param runMemory what this evaluation learned about the runs, for the account's next evaluation;
 *     null when nothing was evaluated
 */
public record Evaluation(
    Instant asOf, AccountMetrics metrics, List<SignalState> signals, RunMemory runMemory) {
  public Evaluation {
    signals = List.copyOf(signals);
  }
}
