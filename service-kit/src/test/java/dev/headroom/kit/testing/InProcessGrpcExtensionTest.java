package dev.headroom.kit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.headroom.kit.sample.WidgetGrpc;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The in-process fixture runs the same interceptors and health service as a real server. */
class InProcessGrpcExtensionTest {
  @RegisterExtension final InProcessGrpcExtension grpc = new InProcessGrpcExtension();

  @Test
  void inProcessServerMapsErrorsAndServesHealth() {
    var channel = grpc.start("kittest", new WidgetGrpc(null, null, null, null));
    StatusRuntimeException bad =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                WidgetServiceGrpc.newBlockingStub(channel)
                    .createWidget(CreateWidgetRequest.newBuilder().setQuantity(5).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    StatusRuntimeException bug =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                WidgetServiceGrpc.newBlockingStub(channel)
                    .createWidget(
                        CreateWidgetRequest.newBuilder().setName("x").setQuantity(5).build()));
    assertEquals(
        Status.Code.INTERNAL,
        bug.getStatus().getCode(),
        "a null store is our bug, not the client's");
    assertEquals(
        HealthCheckResponse.ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(channel)
            .check(HealthCheckRequest.getDefaultInstance())
            .getStatus());
  }
}
