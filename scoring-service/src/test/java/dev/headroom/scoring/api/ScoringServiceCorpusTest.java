package dev.headroom.scoring.api;

import static dev.headroom.scoring.testing.Fixtures.usd;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.scoring.v1.ActivateModelRequest;
import dev.headroom.api.scoring.v1.CategoryWeight;
import dev.headroom.api.scoring.v1.CreateModelRequest;
import dev.headroom.api.scoring.v1.FitModelRequest;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresRequest;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.ListScoreHistoryRequest;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.Model;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.PerformanceGrouping;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.ScoreCategory;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.corpus.BadInputCorpus;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every RPC of scoring-service answers generated bad input clearly (over TCP to 127.0.0.1). */
class ScoringServiceCorpusTest extends BadInputCorpus {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static final Timestamp JAN = Timestamp.newBuilder().setSeconds(1_767_225_600).build();
  private static final Timestamp FEB = Timestamp.newBuilder().setSeconds(1_769_904_000).build();
  private static Server signalServer;
  private static ScoringApp app;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    String signalName = "fake-signal-" + UUID.randomUUID();
    signalServer =
        InProcessServerBuilder.forName(signalName)
            .addService(new FakeSignalService(Fixtures.catalog()))
            .build()
            .start();
    app =
        ScoringApp.start(
            Fixtures.config(PG.database(), "in-process:" + signalName),
            Clock.systemUTC(),
            null,
            false);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    signalServer.shutdownNow();
  }

  @Override
  protected Target target() {
    Model.Builder model =
        Model.newBuilder()
            .setPremiumAttemptsForFullPoints(10)
            .setGrowthPointsPerNewUser(3)
            .setExpectedWorkflowsPerSeat(2)
            .setFieldSalesArrThreshold(usd(5_000_000))
            .setDescription("capacity first");
    int[] points = {40, 15, 15, 15, 15};
    for (int i = 0; i < points.length; i++) {
      model.addWeights(
          CategoryWeight.newBuilder()
              .setCategory(ScoreCategory.forNumber(i + 1))
              .setMaxPoints(points[i]));
    }
    return Target.of(channel, ScoringServiceGrpc.getServiceDescriptor())
        .withSeed(GetScoreRequest.newBuilder().setAccountId("a1").build())
        .withSeed(
            ListScoresRequest.newBuilder()
                .addBands(ReadinessBand.READINESS_BAND_URGENT)
                .addTypes(ExpansionType.EXPANSION_TYPE_SEAT_ADD)
                .setMinScore(10)
                .setPageSize(10)
                .build())
        .withSeed(ListScoreHistoryRequest.newBuilder().setAccountId("a1").setPageSize(10).build())
        .withSeed(
            RecordOutcomeRequest.newBuilder()
                .setOutcome(
                    Outcome.newBuilder()
                        .setOutcomeId("o-1")
                        .setAccountId("a1")
                        .setResult(OutcomeResult.OUTCOME_RESULT_WON)
                        .setExpansionType(ExpansionType.EXPANSION_TYPE_SEAT_ADD)
                        .setArrDelta(usd(54_000))
                        .setOccurredAt(FEB)
                        .setSource(OutcomeSource.OUTCOME_SOURCE_CRM)
                        .setExternalRef("opp-1"))
                .build())
        .withSeed(ListOutcomesRequest.newBuilder().setAccountId("a1").setPageSize(10).build())
        .withSeed(
            GetSignalPerformanceRequest.newBuilder()
                .setSince(JAN)
                .setUntil(FEB)
                .setConversionWindow(Duration.newBuilder().setSeconds(30L * 86_400))
                .setGrouping(PerformanceGrouping.PERFORMANCE_GROUPING_SIGNAL_TYPE)
                .build())
        .withSeed(GetBusinessMeasuresRequest.newBuilder().setFrom(JAN).setTo(FEB).build())
        .withSeed(CreateModelRequest.newBuilder().setModel(model).build())
        .withSeed(FitModelRequest.newBuilder().setHoldoutFraction(0.2).setSeed(7).build())
        .withSeed(ActivateModelRequest.newBuilder().setVersion(1).setActor("admin").build());
  }
}
