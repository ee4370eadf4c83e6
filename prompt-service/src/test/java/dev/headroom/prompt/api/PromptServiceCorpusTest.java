package dev.headroom.prompt.api;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.AnalysisOptions;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataRequest;
import dev.headroom.api.prompt.v1.ArmData;
import dev.headroom.api.prompt.v1.ArmRole;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.FrequencyCap;
import dev.headroom.api.prompt.v1.GetCampaignRequest;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesRequest;
import dev.headroom.api.prompt.v1.GetExperimentRequest;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.GetPromptFunnelRequest;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.ListCampaignsRequest;
import dev.headroom.api.prompt.v1.ListExperimentsRequest;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.StopExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.SurfaceAggregates;
import dev.headroom.api.prompt.v1.UnitAggregates;
import dev.headroom.api.prompt.v1.UpdateCampaignRequest;
import dev.headroom.api.prompt.v1.UpdateExperimentRequest;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.corpus.BadInputCorpus;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every RPC of prompt-service answers generated bad input clearly (over TCP to 127.0.0.1). */
class PromptServiceCorpusTest extends BadInputCorpus {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static final Timestamp NOV = Timestamp.newBuilder().setSeconds(1_764_547_200).build();
  private static FakeUpstreams upstreams;
  private static PromptApp app;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    upstreams = new FakeUpstreams(PromptFixtures.catalog());
    upstreams.publish(PromptFixtures.snapshot("a1"), ChangeKind.CHANGE_KIND_ACCOUNT);
    app =
        PromptApp.start(
            PromptFixtures.config(PG.database(), upstreams.peer()), Clock.systemUTC(), null, false);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext().build();
    Await.until(
        "serving",
        () ->
            HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()
                == ServingStatus.SERVING);
    // The seeds' campaign and experiment exist, so that seeded requests reach the use cases.
    var stub = PromptServiceGrpc.newBlockingStub(channel);
    stub.createCampaign(
        CreateCampaignRequest.newBuilder()
            .setCampaign(PromptFixtures.featureGate("c1", "crud"))
            .build());
    stub.createExperiment(CreateExperimentRequest.newBuilder().setExperiment(experiment()).build());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    upstreams.close();
  }

  /** A campaign with every optional part set, so that each field's own checks are reached. */
  private static Campaign campaign(String id) {
    return PromptFixtures.featureGate(id, "crud")
        .setFrequencyCap(
            FrequencyCap.newBuilder()
                .setMaxImpressions(2)
                .setPer(Duration.newBuilder().setSeconds(7 * 86_400)))
        .build();
  }

  private static Experiment experiment() {
    return Experiment.newBuilder()
        .setExperimentId("e1")
        .setCampaignId("c1")
        .setName("corpus")
        .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
        .addVariants(Variant.newBuilder().setVariantKey("a").setControl(true).setWeight(1))
        .addVariants(Variant.newBuilder().setVariantKey("b").setWeight(1))
        .build();
  }

  private static UnitAggregates aggregates(long units, long conversions) {
    return UnitAggregates.newBuilder()
        .setUnits(units)
        .setConversions(conversions)
        .setRevenueSum(conversions * 100.0)
        .setRevenueSumOfSquares(conversions * 10_000.0)
        .setDismissals(1)
        .build();
  }

  @Override
  protected Target target() {
    return Target.of(channel, PromptServiceGrpc.getServiceDescriptor())
        .withSeed(
            GetPromptRequest.newBuilder()
                .setAccountId("a1")
                .setUserId("u1")
                .setFeatureKey("crud")
                .setSurface(Surface.SURFACE_FEATURE_USE)
                .setUserRole(UserRole.USER_ROLE_ADMIN)
                .setLocale("de-AT")
                .setRequestTime(NOV)
                .build())
        .withSeed(
            ReportPromptEventsRequest.newBuilder()
                .addEvents(
                    PromptEvent.newBuilder()
                        .setEventId("ev-1")
                        .setKind(PromptEventKind.PROMPT_EVENT_KIND_CONVERTED)
                        .setOccurredAt(NOV)
                        .setAccountId("a1")
                        .setUserId("u1")
                        .setRevenue(PromptFixtures.usd(1200)))
                .build())
        .withSeed(
            CreateCampaignRequest.newBuilder()
                .setCampaign(campaign("c2"))
                .setRequestId("req-1")
                .build())
        .withSeed(
            UpdateCampaignRequest.newBuilder()
                .setCampaign(campaign("c1"))
                .setExpectedVersion(1)
                .build())
        .withSeed(GetCampaignRequest.newBuilder().setCampaignId("c1").build())
        .withSeed(ListCampaignsRequest.newBuilder().setPageSize(10).build())
        .withSeed(
            CreateExperimentRequest.newBuilder()
                .setExperiment(experiment().toBuilder().setExperimentId("e2"))
                .setRequestId("req-2")
                .build())
        .withSeed(
            UpdateExperimentRequest.newBuilder()
                .setExperiment(experiment())
                .setExpectedVersion(1)
                .build())
        .withSeed(StartExperimentRequest.newBuilder().setExperimentId("e1").build())
        .withSeed(
            StopExperimentRequest.newBuilder()
                .setExperimentId("e1")
                .setServeVariantKey("a")
                .build())
        .withSeed(GetExperimentRequest.newBuilder().setExperimentId("e1").build())
        .withSeed(ListExperimentsRequest.newBuilder().setCampaignId("c1").setPageSize(10).build())
        .withSeed(
            GetExperimentResultsRequest.newBuilder()
                .setExperimentId("e1")
                .setOptions(AnalysisOptions.newBuilder().setSequential(true).setAlpha(0.05))
                .build())
        .withSeed(
            AnalyzeExperimentDataRequest.newBuilder()
                .addArms(
                    ArmData.newBuilder()
                        .setArmKey("control")
                        .setRole(ArmRole.ARM_ROLE_CONTROL)
                        .setIntendedWeight(1)
                        .setTotals(aggregates(100, 10))
                        .addBySurface(
                            SurfaceAggregates.newBuilder()
                                .setSurface(Surface.SURFACE_HOME)
                                .setAggregates(aggregates(100, 10))))
                .addArms(
                    ArmData.newBuilder()
                        .setArmKey("treatment")
                        .setRole(ArmRole.ARM_ROLE_TREATMENT)
                        .setIntendedWeight(1)
                        .setTotals(aggregates(100, 15)))
                .setOptions(AnalysisOptions.newBuilder().setSrmThreshold(0.001))
                .setCurrencyCode("USD")
                .build())
        .withSeed(GetExperimentAggregatesRequest.newBuilder().setExperimentId("e1").build())
        .withSeed(
            GetPromptFunnelRequest.newBuilder()
                .setFrom(NOV)
                .setTo(Timestamp.newBuilder().setSeconds(NOV.getSeconds() + 30L * 86_400))
                .setCampaignId("c1")
                .build());
  }
}
