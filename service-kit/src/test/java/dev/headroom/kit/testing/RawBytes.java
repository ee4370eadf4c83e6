package dev.headroom.kit.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Calls an RPC with bytes as they go on the wire, to send what no generated stub would. */
public final class RawBytes {
  private RawBytes() {}

  public static final MethodDescriptor.Marshaller<byte[]> MARSHALLER =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** Sends {@code request} as the bytes of a unary {@code method}; the answer's bytes. */
  public static byte[] unaryCall(Channel channel, MethodDescriptor<?, ?> method, byte[] request) {
    return ClientCalls.blockingUnaryCall(
        channel,
        method(method),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        request);
  }

  /** {@code method} with requests and responses as raw bytes. */
  public static MethodDescriptor<byte[], byte[]> method(MethodDescriptor<?, ?> method) {
    return MethodDescriptor.<byte[], byte[]>newBuilder(MARSHALLER, MARSHALLER)
        .setType(method.getType())
        .setFullMethodName(method.getFullMethodName())
        .build();
  }
}
