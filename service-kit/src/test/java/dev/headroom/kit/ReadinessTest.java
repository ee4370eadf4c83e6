package dev.headroom.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.sample.KitTestService;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health reflects the database: unhealthy and NOT_SERVING while it is unreachable, healthy again
 * after.
 */
class ReadinessTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void healthFollowsTheDatabase() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (ServiceHost host = KitTestService.start(KitTestService.env(PG.database()))) {
      ManagedChannel ch =
          ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
      var health = HealthGrpc.newBlockingStub(ch);
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + host.httpPort() + "/observe/health"))
              .build();
      try {
        assertEquals(200, http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode());

        PG.database().makeUnreachable();
        HttpResponse<String> down = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("DOWN"), down.body());
        // The HTTP check ran the probe; the gRPC health service saw the same result.
        assertEquals(
            ServingStatus.NOT_SERVING,
            health.check(HealthCheckRequest.getDefaultInstance()).getStatus());

        PG.database().makeReachable();
        Await.until(
            "HTTP health recovers",
            () -> {
              try {
                return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
              } catch (Exception e) {
                return false;
              }
            });
        assertEquals(
            ServingStatus.SERVING,
            health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
      } finally {
        PG.database().makeReachable();
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
