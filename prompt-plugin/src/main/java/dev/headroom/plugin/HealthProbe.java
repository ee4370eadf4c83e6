package dev.headroom.plugin;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One {@code grpc.health.v1.Health/Check} call. The two tiny messages are encoded by hand so that
 * host products need no grpc-services jar (and its dependencies) for the probe.
 */
final class HealthProbe {
  /** {@code HealthCheckResponse.ServingStatus.SERVING}. */
  private static final int SERVING = 1;

  private static final MethodDescriptor<String, Integer> CHECK =
      MethodDescriptor.<String, Integer>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("grpc.health.v1.Health/Check")
          .setRequestMarshaller(new RequestMarshaller())
          .setResponseMarshaller(new ResponseMarshaller())
          .build();

  private final Channel channel;
  private final String serviceName;
  private final Duration deadline;
  private final CallCredentials credentials;
  private final HeadroomListener listener;

  HealthProbe(
      Channel channel,
      String serviceName,
      Duration deadline,
      CallCredentials credentials,
      HeadroomListener listener) {
    this.channel = channel;
    this.serviceName = serviceName;
    this.deadline = deadline;
    this.credentials = credentials;
    this.listener = listener;
  }

  CompletionStage<CircuitBreaker.ProbeResult> check() {
    CallOptions options =
        CallOptions.DEFAULT
            .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
            .withCallCredentials(credentials);
    CompletableFuture<CircuitBreaker.ProbeResult> result = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(
        channel.newCall(CHECK, options),
        serviceName,
        new StreamObserver<Integer>() {
          @Override
          public void onNext(Integer status) {
            result.complete(
                status == SERVING
                    ? CircuitBreaker.ProbeResult.SERVING
                    : CircuitBreaker.ProbeResult.NOT_SERVING);
          }

          @Override
          public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            listener.onCallFailed(status);
            // A server without the health service gets the benefit of the doubt: traffic decides.
            result.complete(
                status.getCode() == Status.Code.UNIMPLEMENTED
                    ? CircuitBreaker.ProbeResult.SERVING
                    : CircuitBreaker.ProbeResult.FAILED);
          }

          @Override
          public void onCompleted() {
            result.complete(CircuitBreaker.ProbeResult.FAILED);
          }
        });
    return result;
  }

  /** {@code HealthCheckRequest { string service = 1; }}. */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String service) {
      byte[] bytes = new byte[CodedOutputStream.computeStringSize(1, service)];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      try {
        if (!service.isEmpty()) {
          out.writeString(1, service);
        }
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int written = service.isEmpty() ? 0 : bytes.length;
      return new ByteArrayInputStream(bytes, 0, written);
    }

    @Override
    public String parse(InputStream stream) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        String service = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          if (tag == (1 << 3 | 2)) {
            service = new String(in.readByteArray(), StandardCharsets.UTF_8);
          } else {
            in.skipField(tag);
          }
        }
        return service;
      } catch (IOException e) {
        throw Status.INTERNAL.withCause(e).asRuntimeException();
      }
    }
  }

  /** {@code HealthCheckResponse { ServingStatus status = 1; }}. */
  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<Integer> {
    @Override
    public InputStream stream(Integer status) {
      byte[] bytes = new byte[CodedOutputStream.computeEnumSize(1, status)];
      try {
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeEnum(1, status);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ByteArrayInputStream(bytes);
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        int status = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          if (tag == (1 << 3)) {
            status = in.readEnum();
          } else {
            in.skipField(tag);
          }
        }
        return status;
      } catch (IOException e) {
        throw Status.INTERNAL.withCause(e).asRuntimeException();
      }
    }
  }
}
