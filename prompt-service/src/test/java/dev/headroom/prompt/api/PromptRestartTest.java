package dev.headroom.prompt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.app.PromptConfig;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A restart keeps everything a decision depends on: the context comes back from the database (not
 * from upstream history: the second run's upstreams are empty), caps and variants are as before,
 * and until the context is back the service is NOT_SERVING and answers NOT_READY.
 */
class PromptRestartTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  record Running(PromptApp app, ManagedChannel channel) implements AutoCloseable {
    PromptServiceGrpc.PromptServiceBlockingStub stub() {
      return PromptServiceGrpc.newBlockingStub(channel);
    }

    ServingStatus health() {
      return HealthGrpc.newBlockingStub(channel)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
    }

    @Override
    public void close() {
      channel.shutdownNow();
      app.close();
    }
  }

  static Running start(FakeUpstreams upstreams) {
    return start(PromptFixtures.env(PG.database(), upstreams.peer()));
  }

  static Running start(Map<String, String> env) {
    String name = "prompt-restart-" + UUID.randomUUID();
    PromptApp app = PromptApp.start(PromptConfig.load(env), Clock.systemUTC(), name, false);
    return new Running(app, InProcessChannelBuilder.forName(name).build());
  }

  static GetPromptResponse ask(Running r, String account, String user, Instant at) {
    return r.stub()
        .getPrompt(
            GetPromptRequest.newBuilder()
                .setAccountId(account)
                .setUserId(user)
                .setFeatureKey("restart")
                .setSurface(Surface.SURFACE_FEATURE_USE)
                .setUserRole(UserRole.USER_ROLE_ADMIN)
                .setRequestTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
                .build());
  }

  @Test
  void contextCapsAndVariantsSurviveARestartAndNothingIsServedBeforeTheContextIsBack()
      throws Exception {
    Map<String, String> variantOf = new HashMap<>();
    try (FakeUpstreams upstreams = new FakeUpstreams(PromptFixtures.catalog());
        Running first = start(upstreams)) {
      Await.until("first run ready", () -> first.health() == ServingStatus.SERVING);
      for (int i = 0; i < 20; i++) {
        upstreams.publish(PromptFixtures.snapshot("r-" + i), ChangeKind.CHANGE_KIND_METRICS);
        upstreams.publish(
            PromptFixtures.score("r-" + i, RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
      }
      // The snapshot and score streams are followed independently and a score alone already makes
      // an account entry, so every account is awaited with both halves: one still without its
      // snapshot is unknown to GetPrompt.
      Await.until(
          "context fed",
          () ->
              IntStream.range(0, 20)
                      .allMatch(
                          i ->
                              first
                                  .app()
                                  .context()
                                  .account("r-" + i)
                                  .filter(a -> a.usage() != null && a.score().isPresent())
                                  .isPresent())
                  && first.app().context().catalog().feature("restart").isPresent());
      first
          .stub()
          .createCampaign(
              CreateCampaignRequest.newBuilder()
                  .setCampaign(PromptFixtures.featureGate("restart-gate", "restart"))
                  .build());
      first
          .stub()
          .createExperiment(
              CreateExperimentRequest.newBuilder()
                  .setExperiment(
                      Experiment.newBuilder()
                          .setExperimentId("restart-x")
                          .setCampaignId("restart-gate")
                          .setName("restart")
                          .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
                          .addVariants(variant("a", true))
                          .addVariants(variant("b", false))
                          .addVariants(variant("c", false)))
                  .build());
      first
          .stub()
          .startExperiment(
              StartExperimentRequest.newBuilder().setExperimentId("restart-x").build());
      for (int i = 0; i < 20; i++) {
        GetPromptResponse r = ask(first, "r-" + i, "u1", T);
        assertTrue(r.hasPrompt(), "first run, r-" + i + ": " + r.getNoPromptReason());
        variantOf.put("r-" + i, r.getPrompt().getVariantKey());
      }
    }
    assertTrue(variantOf.values().stream().distinct().count() > 1, "units spread over variants");

    // The second run's upstreams know nothing: whatever it knows comes from the database.
    try (FakeUpstreams empty = new FakeUpstreams(PromptFixtures.catalog());
        Connection blocker =
            DriverManager.getConnection(
                PG.database().url(), PG.database().user(), PG.database().password())) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE prompt.account_context IN ACCESS EXCLUSIVE MODE");
      }
      try (Running second = start(empty)) {
        assertEquals(ServingStatus.NOT_SERVING, second.health());
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_NOT_READY,
            ask(second, "r-0", "u9", T).getNoPromptReason());
        blocker.rollback();
        Await.until("context rebuilt", () -> second.health() == ServingStatus.SERVING);

        Instant later = T.plus(Duration.ofHours(1));
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_FREQUENCY_CAPPED,
            ask(second, "r-0", "u1", later).getNoPromptReason(),
            "u1 saw a prompt an hour ago, before the restart");
        for (int i = 0; i < 20; i++) {
          GetPromptResponse r = ask(second, "r-" + i, "u2", later);
          assertEquals(variantOf.get("r-" + i), r.getPrompt().getVariantKey(), "r-" + i);
        }
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_UNKNOWN_ACCOUNT,
            ask(second, "never-seen", "u", later).getNoPromptReason());
      }
    }
  }

  @Test
  void aCampaignWrittenOnOneReplicaTakesEffectOnAnotherWithoutARestart() throws Exception {
    // A database of its own: the other test's stored cursors are ahead of these fresh upstreams.
    TestDatabase own = PostgresServer.shared().createDatabase();
    try (FakeUpstreams upstreams = new FakeUpstreams(PromptFixtures.catalog())) {
      Map<String, String> env = PromptFixtures.env(own, upstreams.peer());
      env.put("HEADROOM_PROMPT_CAMPAIGNS_REFRESH_INTERVAL", "200ms");
      try (Running writer = start(env);
          Running other = start(env)) {
        upstreams.publish(PromptFixtures.snapshot("replica-1"), ChangeKind.CHANGE_KIND_METRICS);
        Await.until(
            "both replicas know replica-1",
            () ->
                other.app().context().account("replica-1").isPresent()
                    && other.app().context().catalog().feature("crud").isPresent());
        writer
            .stub()
            .createCampaign(
                CreateCampaignRequest.newBuilder()
                    .setCampaign(PromptFixtures.featureGate("replica-gate", "crud"))
                    .build());
        Await.until(
            "the other replica serves the new campaign",
            () ->
                other
                    .stub()
                    .getPrompt(
                        GetPromptRequest.newBuilder()
                            .setAccountId("replica-1")
                            .setUserId("u1")
                            .setFeatureKey("crud")
                            .setSurface(Surface.SURFACE_FEATURE_USE)
                            .build())
                    .getPrompt()
                    .getCampaignId()
                    .equals("replica-gate"));
      }
    } finally {
      own.drop();
    }
  }

  static Variant variant(String key, boolean control) {
    return Variant.newBuilder().setVariantKey(key).setControl(control).setWeight(1).build();
  }
}
