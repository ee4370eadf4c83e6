package dev.headroom.kit.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request that does not decode as its message INVALID_ARGUMENT ("request could not be
 * decoded as ...") instead of grpc-java's UNKNOWN "Application error processing RPC", which a
 * client cannot tell from a server fault. Garbage, truncated bytes, invalid UTF-8 in a string field
 * and nesting deeper than {@value #MAX_NESTING_DEPTH} all end here.
 *
 * <p>grpc-java turns any exception thrown by a request marshaller into UNKNOWN before an
 * interceptor sees the call, so the failure cannot be thrown. The wrapped marshaller returns a
 * {@link Undecodable} marker instead, and the wrapped handler closes the call with the answer when
 * that marker arrives, never passing it to the service. Applied by {@link GrpcServer} to every
 * service it serves. The maximum message size is {@code grpc.max-inbound-message-bytes} (default 4
 * MiB; larger messages are refused by gRPC itself with RESOURCE_EXHAUSTED).
 */
public final class RequestDecoding {
  /**
   * Message nesting the server decodes (protobuf's own default is 100). A Struct payload costs
   * three levels per JSON level, so this still allows JSON nested 20 deep.
   */
  public static final int MAX_NESTING_DEPTH = 64;

  private RequestDecoding() {}

  /** What the request marshaller hands on when the bytes are not a request message. */
  private record Undecodable(String requestType, String problem) {}

  /** {@code definition} with every method's requests decoded as described above. */
  public static ServerServiceDefinition guard(ServerServiceDefinition definition, String service) {
    ServiceDescriptor original = definition.getServiceDescriptor();
    List<ServerMethodDefinition<Object, ?>> methods = new ArrayList<>();
    definition.getMethods().forEach(m -> methods.add(guard(m, service)));
    // The schema descriptor keeps server reflection working for the guarded service.
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(guarded::addMethod);
    return guarded.build();
  }

  private static <Q, R> ServerMethodDefinition<Object, R> guard(
      ServerMethodDefinition<Q, R> method, String service) {
    MethodDescriptor<Q, R> md = method.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> decoder = withNestingLimit(md.getRequestMarshaller());
    String requestType = requestType(md);
    MethodDescriptor.Marshaller<Object> guardedRequests =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Object value) {
            @SuppressWarnings("unchecked") // only ever given what parse produced: a Q
            Q request = (Q) value;
            return decoder.stream(request);
          }

          @Override
          public Object parse(InputStream stream) {
            try {
              return decoder.parse(stream);
            } catch (RuntimeException e) {
              return new Undecodable(requestType, problem(e));
            }
          }
        };
    MethodDescriptor<Object, R> guardedDescriptor =
        md.toBuilder(guardedRequests, md.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(
        guardedDescriptor, new GuardedHandler<>(method.getServerCallHandler(), service));
  }

  @SuppressWarnings("unchecked") // the prototype is the request type's default instance
  private static <Q> MethodDescriptor.Marshaller<Q> withNestingLimit(
      MethodDescriptor.Marshaller<Q> marshaller) {
    if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<Q> p
        && p.getMessagePrototype() instanceof Message prototype) {
      return (MethodDescriptor.Marshaller<Q>)
          ProtoUtils.marshallerWithRecursionLimit(prototype, MAX_NESTING_DEPTH);
    }
    return marshaller;
  }

  private static String requestType(MethodDescriptor<?, ?> md) {
    if (md.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message prototype) {
      return prototype.getDescriptorForType().getFullName();
    }
    return "the request message of " + md.getFullMethodName();
  }

  /** Protobuf's own explanation (fixed texts such as "had invalid UTF-8"), never the input. */
  private static String problem(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InvalidProtocolBufferException ipbe && ipbe.getMessage() != null) {
        return ipbe.getMessage();
      }
    }
    return "not a valid protobuf encoding";
  }

  private static final class GuardedHandler<Q, R> implements ServerCallHandler<Object, R> {
    private final ServerCallHandler<Q, R> next;
    private final String service;

    GuardedHandler(ServerCallHandler<Q, R> next, String service) {
      this.next = next;
      this.service = service;
    }

    @Override
    @SuppressWarnings("unchecked") // the call's messages are Q or Undecodable, which never passes
    public ServerCall.Listener<Object> startCall(ServerCall<Object, R> call, Metadata headers) {
      ServerCall.Listener<Q> listener =
          next.startCall((ServerCall<Q, R>) (ServerCall<?, R>) call, headers);
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
          (ServerCall.Listener<Object>) (ServerCall.Listener<?>) listener) {
        private boolean refused;

        @Override
        public void onMessage(Object message) {
          if (refused) {
            return;
          }
          if (message instanceof Undecodable u) {
            refused = true;
            StatusRuntimeException answer = answer(u, service);
            call.close(answer.getStatus(), answer.getTrailers());
            return;
          }
          super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
          if (!refused) {
            super.onHalfClose();
          }
        }

        @Override
        public void onReady() {
          if (!refused) {
            super.onReady();
          }
        }
      };
    }
  }

  private static StatusRuntimeException answer(Undecodable u, String service) {
    String message = "request could not be decoded as " + u.requestType() + ": " + u.problem();
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT.getNumber())
            .setMessage(message)
            .addDetails(
                com.google.protobuf.Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(Reason.INVALID_ARGUMENT.name())
                        .setDomain(ErrorMapper.DOMAIN)
                        .putMetadata("service", service)
                        .putMetadata("request_type", u.requestType())
                        .build()))
            .addDetails(
                com.google.protobuf.Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField("")
                                .setDescription(message))
                        .build()))
            .build());
  }
}
