package dev.headroom.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.kit.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What `./headroom run` does, as a newcomer would see it: the platform starts on its own embedded PostgreSQL,
 * every service reports healthy and answers over TCP, and it stops cleanly.
 */
class PlatformTest {

  @Test
  void runsOnAnEmbeddedDatabaseAndServesOverTcp() throws Exception {
    // Random ports so the test never collides with a running platform; no HEADROOM_DATABASE_URL on purpose.
    Map<String, String> env = Map.of("HEADROOM_SIGNAL_GRPC_PORT", "0", "HEADROOM_SIGNAL_HTTP_PORT", "0",
        "HEADROOM_SIGNAL_HTTP_HOST", "127.0.0.1");
    try (Platform platform = Platform.start(env)) {
      Platform.Endpoints signal = platform.endpoints().get("signal");
      assertTrue(signal.grpcPort() > 0 && signal.httpPort() > 0, "signal listens on TCP: " + signal);

      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", signal.grpcPort()).usePlaintext()
          .build();
      try {
        var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        Await.until("signal SERVING", () -> health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
            == ServingStatus.SERVING);

        var stub = SignalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        stub.putProduct(PutProductRequest.newBuilder().setProduct(Product.newBuilder().setProductKey("core")
            .setDisplayName("Core")).build());
        assertEquals("core", stub.getCatalog(GetCatalogRequest.getDefaultInstance()).getCatalog()
            .getProducts(0).getProductKey(), "the embedded database keeps what was written");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      HttpResponse<String> observed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + signal.httpPort() + "/observe/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, observed.statusCode(), observed.body());
    }
  }
}
