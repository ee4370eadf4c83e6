package dev.headroom.kit.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.FieldViolation;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Renders errors of the HTTP routes from the same {@code google.rpc.Status} the gRPC side sends
 * (through {@link ErrorMapper}, so bounded the same way): reason, message and field violations
 * match what a gRPC client of the same service would see.
 *
 * <pre>{@code
 * {"error": {"code": 3, "status": "INVALID_ARGUMENT", "reason": "INVALID_ARGUMENT",
 *            "message": "invalid request: events[0].occurred_at: ...",
 *            "field": "events[0].occurred_at", "description": "...",
 *            "field_violations": [{"field": "...", "description": "..."}], "metadata": {...}}}
 * }</pre>
 *
 * {@code field}/{@code description} repeat the first violation for clients that show one. HTTP
 * statuses follow google.rpc's mapping (400, 404, 409, 403, 429, 503, 500, ...).
 */
public final class HttpErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ErrorMapper mapper;

  public HttpErrors(ErrorMapper mapper) {
    this.mapper = mapper;
  }

  /** Sends the error {@code failure} maps to; anything not a domain error is an INTERNAL bug. */
  public void send(ServerResponse res, Throwable failure) {
    send(res, httpStatus(failure), StatusProto.fromThrowable(mapper.toStatusException(failure)));
  }

  /**
   * An INVALID_ARGUMENT answered with a transport-specific HTTP status (413, 415, 405): the body is
   * the same as for any other invalid request.
   */
  public void sendInvalid(ServerResponse res, int httpStatus, String field, String description) {
    send(
        res,
        httpStatus,
        mapper.toStatus(
            new DomainException.InvalidArgument(List.of(new FieldViolation(field, description)))));
  }

  private void send(ServerResponse res, int httpStatus, com.google.rpc.Status status) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", status.getCode());
    error.put("status", Status.fromCodeValue(status.getCode()).getCode().name());
    error.put("message", status.getMessage());
    for (Any detail : status.getDetailsList()) {
      try {
        if (detail.is(ErrorInfo.class)) {
          ErrorInfo info = detail.unpack(ErrorInfo.class);
          error.put("reason", info.getReason());
          ObjectNode metadata = error.putObject("metadata");
          info.getMetadataMap().forEach(metadata::put);
        } else if (detail.is(RetryInfo.class)) {
          // The HTTP twin of RetryInfo, so plain HTTP clients back off as long as gRPC clients do.
          var delay = detail.unpack(RetryInfo.class).getRetryDelay();
          long seconds = delay.getSeconds() + (delay.getNanos() > 0 ? 1 : 0);
          res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, seconds)));
        } else if (detail.is(BadRequest.class)) {
          BadRequest br = detail.unpack(BadRequest.class);
          var list = error.putArray("field_violations");
          for (BadRequest.FieldViolation v : br.getFieldViolationsList()) {
            list.addObject().put("field", v.getField()).put("description", v.getDescription());
          }
          if (br.getFieldViolationsCount() > 0) {
            error.put("field", br.getFieldViolations(0).getField());
            error.put("description", br.getFieldViolations(0).getDescription());
          }
        }
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("the error mapper produced an unreadable detail", e);
      }
    }
    res.status(io.helidon.http.Status.create(httpStatus));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static int httpStatus(Throwable failure) {
    return switch (failure) {
      case DomainException.InvalidArgument ia -> 400;
      case DomainException.FailedPrecondition fp -> 400;
      case DomainException.NotFound nf -> 404;
      case DomainException.AlreadyExists ae -> 409;
      case DomainException.Aborted ab -> 409;
      case DomainException.PermissionDenied pd -> 403;
      case DomainException.ResourceExhausted re -> 429;
      case DomainException.Unavailable un -> 503;
      default -> 500;
    };
  }
}
