package dev.headroom.prompt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.crm.v1.Opportunity;
import dev.headroom.api.crm.v1.OpportunityState;
import dev.headroom.api.prompt.v1.ArmAggregate;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesRequest;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import dev.headroom.prompt.api.PromptRestartTest.Running;
import dev.headroom.prompt.testing.FakeCrm;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * crm-connector's WatchOpportunities, served by a real gRPC server in the test: an open expansion
 * opportunity stops self-serve prompts for its account until it closes (also after a restart), and
 * a closed-won one counts once as a conversion of the account's experiment unit within the
 * attribution window.
 */
class OpenOpportunitiesTest {
  @SuppressWarnings("TimeInStaticInitializer")
  private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private static Running start(TestDatabase db, FakeUpstreams upstreams, FakeCrm crm) {
    Map<String, String> env = PromptFixtures.env(db, upstreams.peer());
    env.put("HEADROOM_PROMPT_PEERS_CRM", crm.peer());
    Running r = PromptRestartTest.start(env);
    Await.until("serving", () -> r.health() == ServingStatus.SERVING);
    return r;
  }

  private static void knownAccount(FakeUpstreams upstreams, String accountId) {
    upstreams.publish(PromptFixtures.snapshot(accountId), ChangeKind.CHANGE_KIND_METRICS);
    upstreams.publish(
        PromptFixtures.score(accountId, RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE));
  }

  private static GetPromptResponse ask(
      Running r, String account, String user, String feature, Instant at) {
    return r.stub()
        .getPrompt(
            GetPromptRequest.newBuilder()
                .setAccountId(account)
                .setUserId(user)
                .setFeatureKey(feature)
                .setSurface(Surface.SURFACE_FEATURE_USE)
                .setUserRole(UserRole.USER_ROLE_ADMIN)
                .setRequestTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
                .build());
  }

  /** A failure names the no-prompt reason the service gave. */
  private static void assertPrompt(GetPromptResponse answer, String what) {
    assertTrue(answer.hasPrompt(), what + ": no prompt, " + answer.getNoPromptReason());
  }

  private static Opportunity opportunity(
      String accountId, ExpansionType type, OpportunityState state, long amount) {
    Opportunity.Builder o =
        Opportunity.newBuilder()
            .setAccountId(accountId)
            .setExpansionType(type)
            .setConnectionId("c1")
            .setExternalKey(accountId + ":" + type.name() + ":1")
            .setState(state)
            .setAmount(PromptFixtures.usd(amount))
            .setCreatedAt(Timestamp.newBuilder().setSeconds(T.getEpochSecond() - 86_400));
    if (state != OpportunityState.OPPORTUNITY_STATE_OPEN) {
      o.setClosedAt(Timestamp.newBuilder().setSeconds(T.getEpochSecond()));
    }
    return o.build();
  }

  @Test
  void anOpenOpportunityStopsSelfServePromptsUntilItClosesAlsoAfterARestart() throws Exception {
    TestDatabase db = PostgresServer.shared().createDatabase();
    try (FakeUpstreams upstreams = new FakeUpstreams(PromptFixtures.catalog())) {
      try (FakeCrm crm = new FakeCrm();
          Running app = start(db, upstreams, crm)) {
        knownAccount(upstreams, "op-1");
        knownAccount(upstreams, "op-2");
        app.stub()
            .createCampaign(
                CreateCampaignRequest.newBuilder()
                    .setCampaign(PromptFixtures.featureGate("op-gate", "sales"))
                    .build());
        Await.until(
            "context fed",
            () ->
                app.app().context().account("op-1").flatMap(a -> a.score()).isPresent()
                    && app.app().context().account("op-2").flatMap(a -> a.score()).isPresent()
                    && app.app().context().catalog().feature("sales").isPresent());
        assertPrompt(ask(app, "op-1", "u1", "sales", T), "no opportunity yet");

        crm.publish(
            opportunity(
                "op-1",
                ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                OpportunityState.OPPORTUNITY_STATE_OPEN,
                100_000));
        crm.publish(
            opportunity(
                "op-1",
                ExpansionType.EXPANSION_TYPE_ENTERPRISE,
                OpportunityState.OPPORTUNITY_STATE_OPEN,
                900_000));
        crm.publish(
            opportunity(
                "op-2",
                ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                OpportunityState.OPPORTUNITY_STATE_OPEN,
                50_000));
        Await.until(
            "op-2's opportunity arbitrates",
            () ->
                ask(app, "op-2", "u2", "sales", T).getNoPromptReason()
                    == NoPromptReason.NO_PROMPT_REASON_SALES_OWNED);
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_SALES_OWNED,
            ask(app, "op-1", "u2", "sales", T).getNoPromptReason());

        // op-1 keeps one open opportunity after the first closes; op-2 has none left.
        crm.publish(
            opportunity(
                "op-1",
                ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                OpportunityState.OPPORTUNITY_STATE_CLOSED_LOST,
                100_000));
        crm.publish(
            opportunity(
                "op-2",
                ExpansionType.EXPANSION_TYPE_SEAT_ADD,
                OpportunityState.OPPORTUNITY_STATE_CLOSED_LOST,
                50_000));
        Await.until(
            "op-2 is self-serve again", () -> ask(app, "op-2", "u3", "sales", T).hasPrompt());
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_SALES_OWNED,
            ask(app, "op-1", "u3", "sales", T).getNoPromptReason());
      }

      // A new crm-connector stream with nothing in it: what is known comes from the database.
      try (FakeCrm empty = new FakeCrm();
          Running restarted = start(db, upstreams, empty)) {
        assertEquals(
            NoPromptReason.NO_PROMPT_REASON_SALES_OWNED,
            ask(restarted, "op-1", "u4", "sales", T).getNoPromptReason());
        assertPrompt(ask(restarted, "op-2", "u4", "sales", T), "op-2 after the restart");
      }
    } finally {
      db.drop();
    }
  }

  @Test
  void aClosedWonOpportunityCountsOnceAsAConversionInsideTheAttributionWindow() throws Exception {
    TestDatabase db = PostgresServer.shared().createDatabase();
    try (FakeUpstreams upstreams = new FakeUpstreams(PromptFixtures.catalog());
        FakeCrm crm = new FakeCrm();
        Running app = start(db, upstreams, crm)) {
      for (String account : List.of("won-1", "won-2", "won-3", "won-4")) {
        knownAccount(upstreams, account);
      }
      app.stub()
          .createCampaign(
              CreateCampaignRequest.newBuilder()
                  .setCampaign(PromptFixtures.featureGate("won-gate", "agg"))
                  .build());
      app.stub()
          .createExperiment(
              CreateExperimentRequest.newBuilder()
                  .setExperiment(
                      Experiment.newBuilder()
                          .setExperimentId("won-x")
                          .setCampaignId("won-gate")
                          .setName("closed won")
                          .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
                          .addVariants(PromptRestartTest.variant("a", true))
                          .addVariants(PromptRestartTest.variant("b", false)))
                  .build());
      app.stub()
          .startExperiment(StartExperimentRequest.newBuilder().setExperimentId("won-x").build());
      Await.until(
          "context fed",
          () -> app.app().context().account("won-4").flatMap(a -> a.score()).isPresent());
      // won-1 exposed a day before its deal closed, won-2 twenty days before (outside the 14-day
      // window), won-3 never; won-4 is exposed but its deal is lost.
      assertPrompt(ask(app, "won-1", "u1", "agg", T.minus(Duration.ofDays(1))), "won-1");
      assertPrompt(ask(app, "won-2", "u1", "agg", T.minus(Duration.ofDays(20))), "won-2");
      assertPrompt(ask(app, "won-4", "u1", "agg", T.minus(Duration.ofDays(1))), "won-4");
      app.app().exposures().awaitWritten();

      Opportunity won1 =
          opportunity(
              "won-1",
              ExpansionType.EXPANSION_TYPE_SEAT_ADD,
              OpportunityState.OPPORTUNITY_STATE_CLOSED_WON,
              120_000);
      crm.publish(won1);
      crm.publish(
          opportunity(
              "won-2",
              ExpansionType.EXPANSION_TYPE_SEAT_ADD,
              OpportunityState.OPPORTUNITY_STATE_CLOSED_WON,
              70_000));
      crm.publish(
          opportunity(
              "won-3",
              ExpansionType.EXPANSION_TYPE_SEAT_ADD,
              OpportunityState.OPPORTUNITY_STATE_CLOSED_WON,
              90_000));
      crm.publish(
          opportunity(
              "won-4",
              ExpansionType.EXPANSION_TYPE_SEAT_ADD,
              OpportunityState.OPPORTUNITY_STATE_CLOSED_LOST,
              50_000));
      crm.publish(won1); // delivered again
      // The stream is applied in order: once this one arbitrates, everything before it is in. The
      // probe asks for a feature no campaign offers, so it never exposes won-3.
      crm.publish(
          opportunity(
              "won-3",
              ExpansionType.EXPANSION_TYPE_ENTERPRISE,
              OpportunityState.OPPORTUNITY_STATE_OPEN,
              1));
      Await.until(
          "the stream applied",
          () ->
              ask(app, "won-3", "u9", "sales", T).getNoPromptReason()
                  == NoPromptReason.NO_PROMPT_REASON_SALES_OWNED);

      List<ArmAggregate> totals =
          app
              .stub()
              .getExperimentAggregates(
                  GetExperimentAggregatesRequest.newBuilder().setExperimentId("won-x").build())
              .getAggregates()
              .getArmsList()
              .stream()
              .filter(a -> a.getSurface() == Surface.SURFACE_UNSPECIFIED)
              .toList();
      assertEquals(3, totals.stream().mapToLong(ArmAggregate::getUnits).sum());
      assertEquals(1, totals.stream().mapToLong(ArmAggregate::getConvertedUnits).sum());
      assertEquals(120_000, totals.stream().mapToLong(ArmAggregate::getRevenueSum).sum());
    } finally {
      db.drop();
    }
  }
}
