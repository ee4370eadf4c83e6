package dev.headroom.kit.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
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
            .setReason(e.reason())
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
      default -> internal(t);
    };
  }

  private StatusRuntimeException internal(Throwable t) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "incident " + incident + ": unexpected failure in " + service, t);
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INTERNAL.getNumber())
            .setMessage("internal error (incident " + incident + ")")
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason("INTERNAL")
                        .setDomain(DOMAIN)
                        .putMetadata("incident_id", incident)
                        .putMetadata("service", service)
                        .build()))
            .build();
    return StatusProto.toStatusRuntimeException(status);
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
