package dev.headroom.kit.error;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The errors a service's domain core may raise on purpose, each mapping to one canonical gRPC code
 * through {@link ErrorMapper}. Sealed so the mapper's {@code switch} is exhaustive: adding a kind
 * without a mapping does not compile.
 *
 * <p>{@code reason} is one of the contract's error reasons ({@link Reason}), which clients may
 * branch on (google.rpc.ErrorInfo.reason); the message is for humans and must not contain secrets
 * or payloads. Stack traces are not captured: these are expected outcomes, not bugs, and they are
 * never logged with a trace nor sent to a client.
 */
public abstract sealed class DomainException extends RuntimeException {
  private final Reason reason;
  private final Map<String, String> metadata;

  private DomainException(Reason reason, String message, Map<String, String> metadata) {
    super(message, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.metadata = Map.copyOf(metadata);
  }

  public Reason reason() {
    return reason;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The request is malformed; the client must change it. Carries every violation found, not just
   * the first.
   */
  public static final class InvalidArgument extends DomainException {
    private final List<FieldViolation> violations;

    public InvalidArgument(List<FieldViolation> violations) {
      this(Reason.INVALID_ARGUMENT, violations);
    }

    /**
     * With a more specific reason than INVALID_ARGUMENT, e.g. BATCH_TOO_LARGE or
     * INVALID_PAGE_TOKEN.
     */
    public InvalidArgument(Reason reason, List<FieldViolation> violations) {
      super(reason, summary(violations), Map.of());
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("an InvalidArgument needs at least one violation");
      }
      this.violations = List.copyOf(violations);
    }

    public static InvalidArgument of(String field, String description) {
      return new InvalidArgument(List.of(new FieldViolation(field, description)));
    }

    public List<FieldViolation> violations() {
      return violations;
    }

    private static String summary(List<FieldViolation> vs) {
      return vs.isEmpty()
          ? "invalid request"
          : "invalid request: "
              // An empty field means the whole request (a body that is not JSON, undecodable
              // bytes).
              + (vs.get(0).field().isEmpty() ? "" : vs.get(0).field() + ": ")
              + vs.get(0).description()
              + (vs.size() > 1 ? " (and " + (vs.size() - 1) + " more)" : "");
    }
  }

  /** The named resource does not exist (or the caller may not know it does). */
  public static final class NotFound extends DomainException {
    public NotFound(String resourceType, String resourceName) {
      super(
          Reason.NOT_FOUND,
          resourceType + " not found: " + resourceName,
          Map.of("resource_type", resourceType, "resource_name", resourceName));
    }
  }

  /** A create collided with an existing resource. */
  public static final class AlreadyExists extends DomainException {
    public AlreadyExists(String resourceType, String resourceName) {
      super(
          Reason.ALREADY_EXISTS,
          resourceType + " already exists: " + resourceName,
          Map.of("resource_type", resourceType, "resource_name", resourceName));
    }
  }

  /**
   * The system is not in a state where this request can succeed; retrying unchanged will not help.
   */
  public static final class FailedPrecondition extends DomainException {
    /** Reason FAILED_PRECONDITION; the message and metadata say which precondition. */
    public FailedPrecondition(String message, Map<String, String> metadata) {
      this(Reason.FAILED_PRECONDITION, message, metadata);
    }

    public FailedPrecondition(Reason reason, String message) {
      super(reason, message, Map.of());
    }

    public FailedPrecondition(Reason reason, String message, Map<String, String> metadata) {
      super(reason, message, metadata);
    }
  }

  /** A concurrent change won (optimistic locking); the client may retry the read-modify-write. */
  public static final class Aborted extends DomainException {
    public Aborted(Reason reason, String message) {
      super(reason, message, Map.of());
    }
  }

  /** The caller may not do this. */
  public static final class PermissionDenied extends DomainException {
    public PermissionDenied(Reason reason, String message) {
      super(reason, message, Map.of());
    }
  }

  /**
   * A quota or capacity bound was hit; {@code retryAfter} becomes google.rpc.RetryInfo when
   * present.
   */
  public static final class ResourceExhausted extends DomainException {
    private final Duration retryAfter;

    public ResourceExhausted(Reason reason, String message, Duration retryAfter) {
      super(reason, message, Map.of());
      this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  /** A dependency is temporarily down; safe to retry with backoff. */
  public static final class Unavailable extends DomainException {
    private final Duration retryAfter;

    public Unavailable(Reason reason, String message, Duration retryAfter) {
      super(reason, message, Map.of());
      this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }
  }

  /** Collects violations while validating a request, then throws them all at once. */
  public static final class Violations {
    private final List<FieldViolation> list = new ArrayList<>();

    public Violations add(String field, String description) {
      list.add(new FieldViolation(field, description));
      return this;
    }

    public Violations check(boolean ok, String field, String description) {
      if (!ok) {
        add(field, description);
      }
      return this;
    }

    public boolean isEmpty() {
      return list.isEmpty();
    }

    public void throwIfAny() {
      if (!list.isEmpty()) {
        throw new InvalidArgument(list);
      }
    }
  }
}
