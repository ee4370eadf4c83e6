package dev.headroom.kit.error;

/**
 * The machine-readable reason of a {@link DomainException}: exactly the values of {@code
 * headroom.common.v1.ErrorReason} in {@code errors.proto}, without the {@code ERROR_REASON_} prefix
 * and the unspecified zero. The contract is the one list; this enum lets the domain name a reason
 * without seeing proto types, and a reason that is not in the contract does not compile (a test
 * keeps the two lists equal). The name is what google.rpc.ErrorInfo carries in {@code reason}.
 */
public enum Reason {
  INVALID_ARGUMENT,
  BATCH_TOO_LARGE,
  INVALID_PAGE_TOKEN,
  NOT_FOUND,
  ALREADY_EXISTS,
  FAILED_PRECONDITION,
  RATE_LIMITED,
  DEPENDENCY_UNAVAILABLE,
  CURSOR_EXPIRED,
  SERVER_OVERLOADED,
  INTERNAL,
  EVALUATION_TIMEOUT,
  RESCORE_RUNNING,
  SHUTTING_DOWN
}
