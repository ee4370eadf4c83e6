package dev.headroom.kit.error;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * A failure as an HTTP route reports it, read from the {@code google.rpc.Status} that {@link
 * ErrorMapper} builds for gRPC, so both transports give the same code, reason, field and message.
 *
 * @param httpStatus the HTTP status for {@code code} (google.rpc's HTTP mapping)
 * @param reason google.rpc.ErrorInfo's reason; empty when the status carries none
 * @param field the first field violation's field; empty when the error is not about a field
 * @param description the first field violation's description, else the message
 * @param message the status message, as gRPC clients see it
 * @param retryAfter google.rpc.RetryInfo's delay, when present
 */
public record HttpError(
    int httpStatus,
    Code code,
    String reason,
    String field,
    String description,
    String message,
    Optional<Duration> retryAfter) {

  static HttpError of(com.google.rpc.Status status) {
    Code code = Code.forNumber(status.getCode());
    if (code == null) {
      code = Code.UNKNOWN;
    }
    String reason = "";
    String field = "";
    String description = status.getMessage();
    Optional<Duration> retryAfter = Optional.empty();
    try {
      for (Any detail : status.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          reason = detail.unpack(ErrorInfo.class).getReason();
        } else if (detail.is(BadRequest.class)) {
          BadRequest br = detail.unpack(BadRequest.class);
          if (br.getFieldViolationsCount() > 0) {
            field = br.getFieldViolations(0).getField();
            description = br.getFieldViolations(0).getDescription();
          }
        } else if (detail.is(RetryInfo.class)) {
          com.google.protobuf.Duration d = detail.unpack(RetryInfo.class).getRetryDelay();
          retryAfter = Optional.of(Duration.ofSeconds(d.getSeconds(), d.getNanos()));
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the mapper packed a detail it cannot read back", e);
    }
    return new HttpError(
        httpStatus(code), code, reason, field, description, status.getMessage(), retryAfter);
  }

  /** google.rpc.Code's documented HTTP mapping. */
  static int httpStatus(Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case RESOURCE_EXHAUSTED -> 429;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      case UNKNOWN, INTERNAL, DATA_LOSS, UNRECOGNIZED -> 500;
    };
  }
}
