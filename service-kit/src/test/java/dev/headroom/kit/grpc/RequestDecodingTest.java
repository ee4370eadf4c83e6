package dev.headroom.kit.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import dev.headroom.kit.sample.WidgetGrpc;
import dev.headroom.kit.testing.RawBytes;
import dev.headroom.kittest.v1.Part;
import dev.headroom.kittest.v1.PlanWidgetRequest;
import dev.headroom.kittest.v1.Price;
import dev.headroom.kittest.v1.WidgetColor;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bytes that are not the request message are the client's mistake, and the answer says so. */
class RequestDecodingTest {
  private final LoopbackServer loopback =
      new LoopbackServer(new WidgetGrpc(null, null, null, null));

  @AfterEach
  void close() {
    loopback.close();
  }

  private byte[] send(byte[] request) {
    MethodDescriptor<byte[], byte[]> raw = RawBytes.method(WidgetServiceGrpc.getPlanWidgetMethod());
    return ClientCalls.blockingUnaryCall(
        loopback.channel,
        raw,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        request);
  }

  private static PlanWidgetRequest valid() {
    return PlanWidgetRequest.newBuilder()
        .setWidgetId("w-1")
        .setColor(WidgetColor.WIDGET_COLOR_RED)
        .setAvailableAt(Timestamp.newBuilder().setSeconds(1_800_000_000))
        .setPrice(Price.newBuilder().setCurrencyCode("EUR").setMinorUnits(1999))
        .build();
  }

  private static Part nested(int depth) {
    Part p = Part.newBuilder().setName("leaf").build();
    for (int i = 1; i < depth; i++) {
      p = Part.newBuilder().setName("p" + i).addParts(p).build();
    }
    return p;
  }

  private void assertUndecodable(byte[] request) throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> send(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(
        e.getStatus()
            .getDescription()
            .startsWith("request could not be decoded as headroom.kittest.v1.PlanWidgetRequest"),
        e.getStatus().getDescription());
    ErrorInfo info = StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class);
    assertEquals("INVALID_ARGUMENT", info.getReason());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, loopback.health());
  }

  @Test
  void aValidRequestStillDecodes() throws Exception {
    byte[] answer = send(valid().toByteArray());
    assertTrue(answer.length > 0);
  }

  @Test
  void aMessageOverTheSizeLimitIsResourceExhaustedNotAServerFault() {
    byte[] big =
        valid().toBuilder()
            .setDescription("x".repeat(LoopbackServer.SETTINGS.maxInboundMessageBytes()))
            .build()
            .toByteArray();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> send(big));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, loopback.health());
  }

  @Test
  void garbageIsInvalidArgument() throws Exception {
    assertUndecodable(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
  }

  @Test
  void truncatedRequestIsInvalidArgument() throws Exception {
    // tags is the last field on the wire: the cut lands inside its length-delimited value.
    byte[] whole = valid().toBuilder().addTags("x".repeat(100)).build().toByteArray();
    assertUndecodable(Arrays.copyOf(whole, whole.length - 10));
  }

  @Test
  void invalidUtf8InAStringFieldIsInvalidArgument() throws Exception {
    // field 1 (widget_id), length-delimited, 2 bytes: 0xC3 0x28 is not UTF-8.
    assertUndecodable(new byte[] {0x0a, 0x02, (byte) 0xc3, 0x28});
  }

  @Test
  void nestingBeyondTheLimitIsInvalidArgumentAndWithinItDecodes() throws Exception {
    byte[] deep =
        valid().toBuilder()
            .setAssembly(nested(RequestDecoding.MAX_NESTING_DEPTH + 5))
            .build()
            .toByteArray();
    assertUndecodable(deep);
    byte[] fine = valid().toBuilder().setAssembly(nested(30)).build().toByteArray();
    assertTrue(send(fine).length > 0);
  }
}
