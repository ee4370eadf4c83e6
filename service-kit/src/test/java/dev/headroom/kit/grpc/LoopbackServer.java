package dev.headroom.kit.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A kit gRPC server on a 127.0.0.1 TCP port with a channel to it: the real transport, whose
 * metadata limits an in-process channel does not have.
 */
final class LoopbackServer implements AutoCloseable {
  /** A small server with the production message-size limit (4 MiB, as in the services' YAML). */
  static final GrpcServerSettings SETTINGS =
      new GrpcServerSettings(0, 4, 1024, 1024, Duration.ofSeconds(1), 4 * 1024 * 1024, "");

  final GrpcServer server;
  final ManagedChannel channel;

  LoopbackServer(BindableService service) {
    this.server =
        GrpcServer.builder("kittest").settings(SETTINGS).addService(service).build().start();
    this.channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  HealthCheckResponse.ServingStatus health() {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.close();
  }
}
