package dev.headroom.kit.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.headroom.api.common.v1.ErrorReason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
  private final ErrorMapper mapper = new ErrorMapper("kittest");

  @Test
  void everyDomainErrorGetsItsCanonicalCodeAndErrorInfo() throws Exception {
    record Case(DomainException e, Status.Code code) {}
    List<Case> cases =
        List.of(
            new Case(
                DomainException.InvalidArgument.of("name", "required"),
                Status.Code.INVALID_ARGUMENT),
            new Case(new DomainException.NotFound("account", "a-1"), Status.Code.NOT_FOUND),
            new Case(
                new DomainException.AlreadyExists("campaign", "c-1"), Status.Code.ALREADY_EXISTS),
            new Case(
                new DomainException.FailedPrecondition(Reason.FAILED_PRECONDITION, "archived"),
                Status.Code.FAILED_PRECONDITION),
            new Case(
                new DomainException.Aborted(Reason.FAILED_PRECONDITION, "stale"),
                Status.Code.ABORTED),
            new Case(
                new DomainException.PermissionDenied(Reason.FAILED_PRECONDITION, "no"),
                Status.Code.PERMISSION_DENIED),
            new Case(
                new DomainException.ResourceExhausted(
                    Reason.RATE_LIMITED, "slow down", Duration.ofSeconds(3)),
                Status.Code.RESOURCE_EXHAUSTED),
            new Case(
                new DomainException.Unavailable(Reason.DEPENDENCY_UNAVAILABLE, "later", null),
                Status.Code.UNAVAILABLE));
    for (Case c : cases) {
      StatusRuntimeException sre = mapper.toStatusException(c.e());
      assertEquals(c.code(), sre.getStatus().getCode());
      com.google.rpc.Status st = StatusProto.fromThrowable(sre);
      ErrorInfo info = st.getDetails(0).unpack(ErrorInfo.class);
      assertEquals("headroom.dev", info.getDomain());
      assertEquals(c.e().reason().name(), info.getReason());
      assertTrue(ErrorMapper.isClientError(c.code()) || c.code() != Status.Code.INTERNAL);
    }
  }

  @Test
  void invalidArgumentCarriesEveryFieldViolation() throws Exception {
    var e =
        new DomainException.InvalidArgument(
            List.of(
                new FieldViolation("name", "required"),
                new FieldViolation("items[1].sku", "unknown sku")));
    com.google.rpc.Status st = mapper.toStatus(e);
    BadRequest br =
        st.getDetailsList().stream()
            .filter(a -> a.is(BadRequest.class))
            .findFirst()
            .orElseThrow()
            .unpack(BadRequest.class);
    assertEquals(2, br.getFieldViolationsCount());
    assertEquals("items[1].sku", br.getFieldViolations(1).getField());
  }

  @Test
  void retryDelayBecomesRetryInfo() throws Exception {
    com.google.rpc.Status st =
        mapper.toStatus(
            new DomainException.ResourceExhausted(
                Reason.RATE_LIMITED, "slow down", Duration.ofSeconds(3)));
    RetryInfo ri =
        st.getDetailsList().stream()
            .filter(a -> a.is(RetryInfo.class))
            .findFirst()
            .orElseThrow()
            .unpack(RetryInfo.class);
    assertEquals(3, ri.getRetryDelay().getSeconds());
  }

  @Test
  void unexpectedExceptionIsInternalWithIncidentIdAndNoDetailsOfTheBug() {
    StatusRuntimeException sre =
        mapper.toStatusException(new NullPointerException("customer email x@y.z"));
    assertEquals(Status.Code.INTERNAL, sre.getStatus().getCode());
    assertTrue(sre.getStatus().getDescription().contains("incident"));
    assertFalse(sre.getStatus().getDescription().contains("x@y.z"));
    assertFalse(sre.getStatus().getDescription().contains("NullPointer"));
  }

  /** The contract's ErrorReason is the one list: Reason names exactly its values. */
  @Test
  void reasonsAreExactlyTheContractsErrorReasons() {
    Set<String> contract =
        Arrays.stream(ErrorReason.values())
            .filter(r -> r != ErrorReason.ERROR_REASON_UNSPECIFIED && r != ErrorReason.UNRECOGNIZED)
            .map(r -> r.name().substring("ERROR_REASON_".length()))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> kit =
        Arrays.stream(Reason.values())
            .map(Enum::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(contract, kit);
    for (Reason r : Reason.values()) {
      assertEquals("ERROR_REASON_" + r.name(), ErrorMapper.toProto(r).name());
    }
  }

  @Test
  void httpErrorsCarryWhatGrpcClientsGet() {
    var e =
        new DomainException.InvalidArgument(
            Reason.BATCH_TOO_LARGE, List.of(new FieldViolation("events", "at most 1,000")));
    HttpError http = mapper.toHttpError(e);
    com.google.rpc.Status grpc = StatusProto.fromThrowable(mapper.toStatusException(e));

    assertEquals(400, http.httpStatus());
    assertEquals(grpc.getCode(), http.code().getNumber());
    assertEquals("BATCH_TOO_LARGE", http.reason());
    assertEquals("events", http.field());
    assertEquals("at most 1,000", http.description());
    assertEquals(grpc.getMessage(), http.message());

    HttpError down =
        mapper.toHttpError(
            new DomainException.Unavailable(
                Reason.DEPENDENCY_UNAVAILABLE, "database down", Duration.ofSeconds(2)));
    assertEquals(503, down.httpStatus());
    assertEquals(Duration.ofSeconds(2), down.retryAfter().orElseThrow());
    assertEquals("", down.field());
    assertEquals("database down", down.description());

    HttpError bug = mapper.toHttpError(new IllegalStateException("secret"));
    assertEquals(500, bug.httpStatus());
    assertEquals("INTERNAL", bug.reason());
    assertFalse(bug.message().contains("secret"));
  }
}
