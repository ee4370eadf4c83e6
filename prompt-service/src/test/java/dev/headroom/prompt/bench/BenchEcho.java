package dev.headroom.prompt.bench;

import dev.headroom.api.prompt.v1.GetPromptRequest;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

/**
 * The benchmark's baseline: a unary RPC that answers a GetPrompt request with the request itself
 * and does nothing else. The server process registers it on prompt-service's own server ({@link
 * dev.headroom.prompt.app.PromptApp#start(dev.headroom.prompt.app.PromptConfig, java.time.Clock,
 * String, boolean, java.util.List)}), so it goes the exact path GetPrompt goes: the same transport,
 * request decoding guard, error mapping, admission control, thread (the transport thread, as
 * GetPrompt) and metrics. GetPrompt's cost beyond it is the decision, its response and the
 * exposure. It is defined here, not in the public contract, because only the benchmark calls it.
 */
final class BenchEcho {
  static final String SERVICE = "headroom.bench.v1.BenchEcho";

  static final MethodDescriptor<GetPromptRequest, GetPromptRequest> ECHO =
      MethodDescriptor.<GetPromptRequest, GetPromptRequest>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
          .setRequestMarshaller(ProtoUtils.marshaller(GetPromptRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(GetPromptRequest.getDefaultInstance()))
          .build();

  private BenchEcho() {}

  static ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            ECHO,
            ServerCalls.asyncUnaryCall(
                (request, response) -> {
                  response.onNext(request);
                  response.onCompleted();
                }))
        .build();
  }
}
