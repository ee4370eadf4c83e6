package dev.headroom.kit.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.RawBytes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server with a tiny executor queue and admission limit, flooded from many connections at once:
 * every call a client sees must be answered OK or refused as overloaded (RESOURCE_EXHAUSTED with
 * the SERVER_OVERLOADED reason and a retry delay), never INTERNAL or UNKNOWN, and once the flood is
 * over every admission permit must be back, so a quiet server serves every call again.
 */
class OverloadTest {
  private static final int LIMIT = 4;
  private static final GrpcServerSettings TINY =
      new GrpcServerSettings(0, 2, LIMIT, LIMIT, Duration.ofSeconds(1), 4 * 1024 * 1024, "");

  /** The busy service's one method, shared with AdmissionInterceptorTest. */
  static final MethodDescriptor<byte[], byte[]> WORK =
      MethodDescriptor.newBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER)
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("kittest.Busy/Work")
          .build();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private GrpcServer server;

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.close();
    }
  }

  @Test
  void floodIsAnsweredOkOrOverloadedAndEveryPermitComesBack() {
    server =
        GrpcServer.builder("kittest")
            .settings(TINY)
            .meterRegistry(registry)
            .addService(busyService())
            .build()
            .start();
    for (int i = 0; i < 8; i++) {
      channels.add(
          ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
    }

    Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      ManagedChannel channel = channels.get(i % channels.size());
      // Some callers give up almost at once, so cancellation races with completion on the server.
      CallOptions options =
          CallOptions.DEFAULT.withDeadlineAfter(i % 10 == 0 ? 1 : 60_000, TimeUnit.MILLISECONDS);
      calls.add(
          unary(channel.newCall(WORK, options), new byte[] {1})
              .handle((ok, failure) -> record(answers, failure)));
      // Health checks bypass admission, so they also compete for the server's threads.
      calls.add(
          unary(
                  channel.newCall(
                      HealthGrpc.getCheckMethod(),
                      CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS)),
                  HealthCheckRequest.getDefaultInstance())
              .handle((ok, failure) -> record(answers, failure)));
    }
    calls.forEach(CompletableFuture::join);

    String overloaded = "RESOURCE_EXHAUSTED/SERVER_OVERLOADED+retry";
    assertTrue(
        Set.of("OK", "DEADLINE_EXCEEDED", overloaded).containsAll(answers.keySet()),
        () -> "answers during the flood: " + answers);
    assertTrue(
        answers.containsKey(overloaded), () -> "the server was never overloaded: " + answers);

    Await.until("every admission permit is returned", () -> availablePermits() == LIMIT);
    ManagedChannel quiet = channels.get(0);
    for (int i = 0; i < 50; i++) {
      ClientCalls.blockingUnaryCall(
          quiet, WORK, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), new byte[] {2});
    }
    Await.until("permits after the quiet calls", () -> availablePermits() == LIMIT);
    assertEquals(LIMIT, availablePermits(), "no permit is released twice");
  }

  private int availablePermits() {
    return (int) registry.get("grpc.server.admission.available").gauge().value();
  }

  private static Void record(Map<String, AtomicInteger> answers, Throwable failure) {
    answers.computeIfAbsent(describe(failure), k -> new AtomicInteger()).incrementAndGet();
    return null;
  }

  /** The status code, plus for RESOURCE_EXHAUSTED the reason and whether a retry delay came. */
  private static String describe(Throwable failure) {
    if (failure == null) {
      return "OK";
    }
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    Status status = Status.fromThrowable(cause);
    if (status.getCode() != Status.Code.RESOURCE_EXHAUSTED) {
      return status.getCode().name();
    }
    com.google.rpc.Status detail =
        cause instanceof StatusRuntimeException sre ? StatusProto.fromThrowable(sre) : null;
    Optional<String> reason =
        detail == null
            ? Optional.empty()
            : detail.getDetailsList().stream()
                .filter(d -> d.is(ErrorInfo.class))
                .map(OverloadTest::errorReason)
                .findFirst();
    boolean retry =
        detail != null
            && detail.getDetailsList().stream().anyMatch(d -> d.is(com.google.rpc.RetryInfo.class));
    return "RESOURCE_EXHAUSTED/" + reason.orElse("no reason") + (retry ? "+retry" : "");
  }

  private static String errorReason(com.google.protobuf.Any detail) {
    try {
      return detail.unpack(ErrorInfo.class).getReason();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static <Q, R> CompletableFuture<R> unary(ClientCall<Q, R> call, Q request) {
    CompletableFuture<R> result = new CompletableFuture<>();
    ClientCalls.asyncUnaryCall(
        call,
        request,
        new StreamObserver<>() {
          @Override
          public void onNext(R value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    return result;
  }

  /** Each call keeps a server thread busy for a moment, as real work does. */
  private static ServerServiceDefinition busyService() {
    return ServerServiceDefinition.builder("kittest.Busy")
        .addMethod(
            WORK,
            ServerCalls.asyncUnaryCall(
                (request, response) -> {
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  response.onNext(request);
                  response.onCompleted();
                }))
        .build();
  }
}
