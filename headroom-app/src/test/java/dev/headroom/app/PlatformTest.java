package dev.headroom.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.ListConnectionsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.kit.testing.Await;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What `./headroom run` does, as a newcomer would see it: the platform starts on its own embedded
 * PostgreSQL, every service reports healthy and answers over TCP, scoring and prompt follow
 * signal-service, and it stops cleanly.
 */
class PlatformTest {

  @Test
  void runsOnAnEmbeddedDatabaseAndServesOverTcp() throws Exception {
    // Random ports so the test never collides with a running platform; no HEADROOM_DATABASE_URL on
    // purpose.
    Map<String, String> env =
        Map.of(
            "HEADROOM_GRPC_PORT",
            "0",
            "HEADROOM_HTTP_PORT",
            "0",
            "HEADROOM_HTTP_HOST",
            "127.0.0.1");
    try (Platform platform = Platform.start(env)) {
      Platform.Endpoints signal = platform.endpoints().get("signal");
      assertTrue(
          signal.grpcPort() > 0 && signal.httpPort() > 0, "signal listens on TCP: " + signal);

      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", signal.grpcPort()).usePlaintext().build();
      try {
        var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        Await.until(
            "signal SERVING",
            () ->
                health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                    == ServingStatus.SERVING);

        var stub =
            SignalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        stub.putProduct(
            PutProductRequest.newBuilder()
                .setProduct(Product.newBuilder().setProductKey("core").setDisplayName("Core"))
                .build());
        stub.putPlan(
            PutPlanRequest.newBuilder()
                .setPlan(
                    Plan.newBuilder()
                        .setPlanKey("team")
                        .setProductKey("core")
                        .setTierRank(1)
                        .setDisplayName("Team")
                        .setIncludedSeats(5)
                        .setSeatPriceMonthly(
                            Money.newBuilder().setCurrencyCode("USD").setMinorUnits(1500))
                        .setBasePriceMonthly(Money.newBuilder().setCurrencyCode("USD")))
                .build());
        stub.putAccount(
            PutAccountRequest.newBuilder()
                .setAccount(
                    Account.newBuilder()
                        .setAccountId("acme")
                        .setName("Acme")
                        .setCurrencyCode("USD")
                        .addSubscriptions(
                            Subscription.newBuilder()
                                .setProductKey("core")
                                .setPlanKey("team")
                                .setSeatsPurchased(10)
                                .setSince(
                                    Timestamp.newBuilder()
                                        .setSeconds(
                                            Instant.now().minusSeconds(86_400).getEpochSecond()))))
                .build());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      // scoring-service follows signal-service in-process and scores the new account.
      Platform.Endpoints scoring = platform.endpoints().get("scoring");
      ManagedChannel scoringChannel =
          ManagedChannelBuilder.forAddress("127.0.0.1", scoring.grpcPort()).usePlaintext().build();
      try {
        var scores = ScoringServiceGrpc.newBlockingStub(scoringChannel);
        Await.until(
            "acme scored",
            () -> {
              try {
                return scores
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getScore(GetScoreRequest.newBuilder().setAccountId("acme").build())
                    .getScore()
                    .getAccountId()
                    .equals("acme");
              } catch (StatusRuntimeException e) {
                return false;
              }
            });
        Score score =
            scores
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .getScore(GetScoreRequest.newBuilder().setAccountId("acme").build())
                .getScore();
        assertEquals(
            ReadinessBand.READINESS_BAND_NOT_READY, score.getBand(), "no usage yet: not ready");
        assertEquals(1, score.getModelVersion());
      } finally {
        scoringChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      // crm-connector follows scoring-service and writes acme to the local Salesforce stand-in.
      Platform.Endpoints crm = platform.endpoints().get("crm");
      ManagedChannel crmChannel =
          ManagedChannelBuilder.forAddress("127.0.0.1", crm.grpcPort()).usePlaintext().build();
      try {
        var admin = CrmConnectorServiceGrpc.newBlockingStub(crmChannel);
        String standin =
            admin
                .listConnections(ListConnectionsRequest.getDefaultInstance())
                .getConnections(0)
                .getConnectionId();
        Await.until(
            "acme synced to the stand-in",
            () ->
                admin
                    .listSyncRuns(ListSyncRunsRequest.newBuilder().setConnectionId(standin).build())
                    .getRunsList()
                    .stream()
                    .anyMatch(r -> r.getRecordsSucceeded() > 0));
      } finally {
        crmChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      // prompt-service follows both in-process and knows acme, which is not activated yet.
      Platform.Endpoints prompt = platform.endpoints().get("prompt");
      ManagedChannel promptChannel =
          ManagedChannelBuilder.forAddress("127.0.0.1", prompt.grpcPort()).usePlaintext().build();
      try {
        var prompts = PromptServiceGrpc.newBlockingStub(promptChannel);
        GetPromptRequest ask =
            GetPromptRequest.newBuilder()
                .setAccountId("acme")
                .setUserId("u1")
                .setSurface(Surface.SURFACE_HOME)
                .build();
        Await.until(
            "acme in the prompt context",
            () ->
                prompts.withDeadlineAfter(5, TimeUnit.SECONDS).getPrompt(ask).getNoPromptReason()
                    == NoPromptReason.NO_PROMPT_REASON_ACCOUNT_NOT_ACTIVATED);
        assertEquals(
            ServingStatus.SERVING,
            HealthGrpc.newBlockingStub(promptChannel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus());
      } finally {
        promptChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      HttpResponse<String> observed =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + signal.httpPort() + "/observe/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, observed.statusCode(), observed.body());
    }
  }
}
