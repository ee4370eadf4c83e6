package dev.headroom.signal.evaluation;

import dev.headroom.signal.domain.SignalType;
import java.time.Instant;
import java.util.List;

/** One entry of the account-changes stream, before it is encoded into the outbox. */
public record AccountChange(
    String accountId,
    Kind kind,
    Instant changedAt,
    UsageSnapshotView snapshot,
    List<SignalType> changedSignalTypes) {
  public enum Kind {
    SIGNALS,
    METRICS,
    ACCOUNT
  }

  /** The outbox stream the watch RPC serves. */
  public static final String STREAM = "account-changes";

  /** Encodes a change into the outbox payload (the wire format lives at the gRPC edge). */
  @FunctionalInterface
  public interface Encoder {
    byte[] encode(AccountChange change);
  }
}
