package dev.headroom.kit.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.headroom.api.common.v1.ErrorReason;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where a failure becomes a {@code google.rpc.Status}. Domain errors map to their
 * canonical code with {@code ErrorInfo} (reason, domain {@value #DOMAIN}) and, for bad input,
 * {@code BadRequest} field violations. Anything else is a bug on our side: the client gets INTERNAL
 * with an incident id and nothing else, the log gets the stack trace under the same id so an
 * operator can find it.
 */
public final class ErrorMapper {
  public static final String DOMAIN = "headroom.dev";
  private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

  private final String service;

  public ErrorMapper(String service) {
    this.service = service;
  }

  public com.google.rpc.Status toStatus(DomainException e) {
    ErrorInfo.Builder info =
        ErrorInfo.newBuilder()
            .setReason(e.reason().name())
            .setDomain(DOMAIN)
            .putAllMetadata(e.metadata())
            .putMetadata("service", service);
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder().setMessage(e.getMessage());
    Code code =
        switch (e) {
          case DomainException.InvalidArgument ia -> {
            BadRequest.Builder br = BadRequest.newBuilder();
            ia.violations()
                .forEach(
                    v ->
                        br.addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField(v.field())
                                .setDescription(v.description())));
            status.addDetails(Any.pack(br.build()));
            yield Code.INVALID_ARGUMENT;
          }
          case DomainException.NotFound nf -> Code.NOT_FOUND;
          case DomainException.AlreadyExists ae -> Code.ALREADY_EXISTS;
          case DomainException.FailedPrecondition fp -> Code.FAILED_PRECONDITION;
          case DomainException.Aborted ab -> Code.ABORTED;
          case DomainException.PermissionDenied pd -> Code.PERMISSION_DENIED;
          case DomainException.ResourceExhausted re -> {
            retryInfo(re.retryAfter()).ifPresent(status::addDetails);
            yield Code.RESOURCE_EXHAUSTED;
          }
          case DomainException.Unavailable un -> {
            retryInfo(un.retryAfter()).ifPresent(status::addDetails);
            yield Code.UNAVAILABLE;
          }
        };
    // ErrorInfo first: clients that look at only one detail should see the machine-readable reason.
    return BoundedStatus.bound(
        status.setCode(code.getNumber()).addDetails(0, Any.pack(info.build())).build());
  }

  private static Optional<Any> retryInfo(Optional<Duration> after) {
    return after.map(
        d ->
            Any.pack(
                RetryInfo.newBuilder()
                    .setRetryDelay(
                        com.google.protobuf.Duration.newBuilder()
                            .setSeconds(d.getSeconds())
                            .setNanos(d.getNano()))
                    .build()));
  }

  /**
   * Maps any throwable a handler produced. Status exceptions pass through unchanged: the handler
   * chose that status deliberately (handlers calling other services must translate those services'
   * errors themselves).
   */
  public StatusRuntimeException toStatusException(Throwable t) {
    return switch (t) {
      case DomainException de -> StatusProto.toStatusRuntimeException(toStatus(de));
      case StatusRuntimeException sre -> sre;
      case StatusException se -> new StatusRuntimeException(se.getStatus(), se.getTrailers());
      default -> StatusProto.toStatusRuntimeException(internal(t));
    };
  }

  /**
   * The same failure as an HTTP JSON route answers it: the status {@link #toStatusException} would
   * send over gRPC, read back into code, reason, first field violation and message, so that a
   * mistake gets the same answer over both transports.
   */
  public HttpError toHttpError(Throwable t) {
    com.google.rpc.Status status =
        switch (t) {
          case DomainException de -> toStatus(de);
          case StatusRuntimeException sre -> StatusProto.fromThrowable(sre);
          case StatusException se -> StatusProto.fromThrowable(se);
          default -> internal(t);
        };
    if (status == null) { // a bare io.grpc status without details
      Status grpc = Status.fromThrowable(t);
      status =
          com.google.rpc.Status.newBuilder()
              .setCode(grpc.getCode().value())
              .setMessage(grpc.getDescription() == null ? "" : grpc.getDescription())
              .build();
    }
    return HttpError.of(status);
  }

  /** The contract's enum value for a reason (every {@link Reason} has one). */
  public static ErrorReason toProto(Reason reason) {
    return ErrorReason.valueOf(REASON_PREFIX + reason.name());
  }

  static final String REASON_PREFIX = "ERROR_REASON_";

  private com.google.rpc.Status internal(Throwable t) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "incident " + incident + ": unexpected failure in " + service, t);
    return com.google.rpc.Status.newBuilder()
        .setCode(Code.INTERNAL.getNumber())
        .setMessage("internal error (incident " + incident + ")")
        .addDetails(
            Any.pack(
                ErrorInfo.newBuilder()
                    .setReason(Reason.INTERNAL.name())
                    .setDomain(DOMAIN)
                    .putMetadata("incident_id", incident)
                    .putMetadata("service", service)
                    .build()))
        .build();
  }

  /**
   * The status code that goes with a reason when it is reported for one item of a batch (an
   * ItemError), where no exception carries the code.
   */
  public static Status.Code codeOf(Reason reason) {
    return switch (reason) {
      case INVALID_ARGUMENT, BATCH_TOO_LARGE, INVALID_PAGE_TOKEN -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case FAILED_PRECONDITION, CURSOR_EXPIRED, RESCORE_RUNNING -> Status.Code.FAILED_PRECONDITION;
      case RATE_LIMITED, SERVER_OVERLOADED -> Status.Code.RESOURCE_EXHAUSTED;
      case DEPENDENCY_UNAVAILABLE, SHUTTING_DOWN -> Status.Code.UNAVAILABLE;
      case EVALUATION_TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  /**
   * True for codes that mean "the client should change its request", which must never come from a
   * bug.
   */
  public static boolean isClientError(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT,
          NOT_FOUND,
          ALREADY_EXISTS,
          FAILED_PRECONDITION,
          OUT_OF_RANGE,
          PERMISSION_DENIED,
          UNAUTHENTICATED ->
          true;
      default -> false;
    };
  }
}
