package dev.headroom.kit.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.CreateWidgetResponse;
import dev.headroom.kittest.v1.ListWidgetsRequest;
import dev.headroom.kittest.v1.ListWidgetsResponse;
import dev.headroom.kittest.v1.WatchWidgetsRequest;
import dev.headroom.kittest.v1.WatchWidgetsResponse;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * An error answer that echoes a huge input, or lists a thousand violations, still reaches the
 * client over a real connection (a status larger than the client's metadata limit never would), and
 * the connection stays usable.
 */
class BoundedAnswersTest {
  private static final String HUGE = "v".repeat(70_000);

  /** Handlers that answer with everything a careless handler might put into an error. */
  private static final class Echoing extends WidgetServiceGrpc.WidgetServiceImplBase {
    @Override
    public void createWidget(CreateWidgetRequest req, StreamObserver<CreateWidgetResponse> obs) {
      throw new DomainException.NotFound("widget", req.getName());
    }

    @Override
    public void listWidgets(ListWidgetsRequest req, StreamObserver<ListWidgetsResponse> obs) {
      List<FieldViolation> many = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        many.add(new FieldViolation("items[" + i + "].name", "bad: " + req.getPageToken()));
      }
      throw new DomainException.InvalidArgument(many);
    }

    @Override
    public void watchWidgets(WatchWidgetsRequest req, StreamObserver<WatchWidgetsResponse> obs) {
      obs.onError(Status.INVALID_ARGUMENT.withDescription("no such cursor " + HUGE).asException());
    }
  }

  private final LoopbackServer loopback = new LoopbackServer(new Echoing());

  @AfterEach
  void close() {
    loopback.close();
  }

  private WidgetServiceGrpc.WidgetServiceBlockingStub stub() {
    return WidgetServiceGrpc.newBlockingStub(loopback.channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private void assertAnswered(Status.Code expected, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, loopback.health());
  }

  @Test
  void anErrorEchoingA70KilobyteValueReachesTheClient() {
    assertAnswered(
        Status.Code.NOT_FOUND,
        () -> stub().createWidget(CreateWidgetRequest.newBuilder().setName(HUGE).build()));
  }

  @Test
  void aThousandViolationsWithEchoesReachTheClient() {
    assertAnswered(
        Status.Code.INVALID_ARGUMENT,
        () -> stub().listWidgets(ListWidgetsRequest.newBuilder().setPageToken(HUGE).build()));
  }

  @Test
  void aPlainStatusWithAHugeDescriptionReachesTheClient() {
    assertAnswered(
        Status.Code.INVALID_ARGUMENT,
        () -> stub().watchWidgets(WatchWidgetsRequest.getDefaultInstance()).next());
  }
}
