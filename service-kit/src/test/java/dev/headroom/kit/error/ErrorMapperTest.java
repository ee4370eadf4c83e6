package dev.headroom.kit.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
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
                new DomainException.FailedPrecondition("CAMPAIGN_ARCHIVED", "archived"),
                Status.Code.FAILED_PRECONDITION),
            new Case(new DomainException.Aborted("VERSION_CONFLICT", "stale"), Status.Code.ABORTED),
            new Case(
                new DomainException.PermissionDenied("NOT_OWNER", "no"),
                Status.Code.PERMISSION_DENIED),
            new Case(
                new DomainException.ResourceExhausted("QUOTA", "slow down", Duration.ofSeconds(3)),
                Status.Code.RESOURCE_EXHAUSTED),
            new Case(
                new DomainException.Unavailable("CRM_DOWN", "later", null),
                Status.Code.UNAVAILABLE));
    for (Case c : cases) {
      StatusRuntimeException sre = mapper.toStatusException(c.e());
      assertEquals(c.code(), sre.getStatus().getCode());
      com.google.rpc.Status st = StatusProto.fromThrowable(sre);
      ErrorInfo info = st.getDetails(0).unpack(ErrorInfo.class);
      assertEquals("headroom.dev", info.getDomain());
      assertEquals(c.e().reason(), info.getReason());
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
            new DomainException.ResourceExhausted("QUOTA", "slow down", Duration.ofSeconds(3)));
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
}
