package dev.headroom.scoring.api;

import static dev.headroom.scoring.testing.Fixtures.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.RawBytes;
import dev.headroom.kit.testing.ViolatedFields;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad inputs that once ended in INTERNAL, UNKNOWN or an answer too large to arrive, each answered
 * as the client's mistake naming the field, over gRPC on TCP to 127.0.0.1.
 */
class ScoringInputLimitsTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static final Timestamp FEB = Timestamp.newBuilder().setSeconds(1_769_904_000).build();
  private static Server signalServer;
  private static ScoringApp app;
  private static ManagedChannel channel;
  private static ScoringServiceGrpc.ScoringServiceBlockingStub stub;

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
    stub = ScoringServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    signalServer.shutdownNow();
  }

  @Test
  void aNulCharacterIsTheClientsMistakeNotAServerFault() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> record(won().setOutcomeId("o\0").setExternalRef("opp\0")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("outcome.outcome_id", "outcome.external_ref"), ViolatedFields.of(e));
  }

  @Test
  void aHugeValueIsRefusedWithAnAnswerThatStillArrives() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getScore(
                    GetScoreRequest.newBuilder().setAccountId("x".repeat(64 * 1024)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of("account_id"), ViolatedFields.of(e));
    assertTrue(e.getStatus().getDescription().length() < 1_000, e.getStatus().getDescription());
  }

  @Test
  void aMadeUpCurrencyAndAnOverflowingTimeAreNamed() {
    StatusRuntimeException currency =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                record(
                    won()
                        .setArrDelta(
                            Money.newBuilder().setCurrencyCode("XYZ").setMinorUnits(100))));
    assertEquals(List.of("outcome.arr_delta.currency_code"), ViolatedFields.of(currency));

    StatusRuntimeException range =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getSignalPerformance(
                    GetSignalPerformanceRequest.newBuilder()
                        .setSince(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, range.getStatus().getCode());
    assertEquals(List.of("since"), ViolatedFields.of(range));
  }

  @Test
  void bytesThatAreNotTheRequestAnswerThatTheRequestCouldNotBeDecoded() {
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 0xff);
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                RawBytes.unaryCall(channel, ScoringServiceGrpc.getRecordOutcomeMethod(), garbage));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().contains("could not be decoded"),
        e.getStatus().getDescription());
  }

  private static Outcome.Builder won() {
    return Outcome.newBuilder()
        .setOutcomeId("o-1")
        .setAccountId("a1")
        .setResult(OutcomeResult.OUTCOME_RESULT_WON)
        .setExpansionType(ExpansionType.EXPANSION_TYPE_SEAT_ADD)
        .setArrDelta(usd(1_000))
        .setOccurredAt(FEB);
  }

  private static void record(Outcome.Builder o) {
    stub.recordOutcome(RecordOutcomeRequest.newBuilder().setOutcome(o).build());
  }
}
