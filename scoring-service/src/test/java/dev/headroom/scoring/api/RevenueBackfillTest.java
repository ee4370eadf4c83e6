package dev.headroom.scoring.api;

import static dev.headroom.scoring.testing.Fixtures.snapshot;
import static dev.headroom.scoring.testing.Fixtures.usd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.common.v1.Money;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresRequest;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresResponse;
import dev.headroom.api.scoring.v1.MeasureDimension;
import dev.headroom.api.scoring.v1.RetentionSegment;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.InProcessGrpcExtension;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.mapping.ScoreProtos;
import dev.headroom.scoring.testing.FakeSignalService;
import dev.headroom.scoring.testing.Fixtures;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Accounts scored before the revenue history existed get their baseline from their stored snapshot
 * when the service starts, so retention counts them without waiting for their next change.
 */
class RevenueBackfillTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @RegisterExtension final InProcessGrpcExtension grpc = new InProcessGrpcExtension();

  @Test
  void accountsScoredBeforeRevenueWasKeptJoinTheRetentionCohort() throws Exception {
    FakeSignalService signal = new FakeSignalService(Fixtures.catalog());
    String signalName = "fake-signal-" + UUID.randomUUID();
    Server signalServer =
        InProcessServerBuilder.forName(signalName).addService(signal).build().start();
    try {
      ScoringApp first = start(signalName);
      var s = snapshot("old", Instant.parse("2026-02-01T00:00:00Z"), 3, 5, 50, 0, 0, 2);
      s.getAccountBuilder().setArr(usd(700_000));
      signal.publish(s.build(), ChangeKind.CHANGE_KIND_ACCOUNT);
      Await.until("scored", () -> first.consumerPosition() >= signal.lastCursor());
      // What a database scored before the revenue history existed looks like.
      Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password())
          .useHandle(h -> h.execute("DELETE FROM scoring.account_revenue"));
      assertEquals(0, startingArr(first), "without its baseline the account is in no cohort");
      first.close();

      ScoringApp second = start(signalName);
      try {
        assertEquals(700_000, startingArr(second));
      } finally {
        second.close();
      }
    } finally {
      signalServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ScoringApp start(String signalName) {
    return ScoringApp.start(
        Fixtures.config(PG.database(), "in-process:" + signalName), Clock.systemUTC(), null, false);
  }

  /** The starting ARR of March's retention cohort (0 without one). */
  private long startingArr(ScoringApp app) {
    GetBusinessMeasuresResponse m =
        ScoringServiceGrpc.newBlockingStub(grpc.start("scoring", app.grpcService()))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .getBusinessMeasures(
                GetBusinessMeasuresRequest.newBuilder()
                    .setFrom(ScoreProtos.ts(Instant.parse("2026-03-01T00:00:00Z")))
                    .setTo(ScoreProtos.ts(Instant.parse("2026-04-01T00:00:00Z")))
                    .build());
    return m.getNetRevenueRetentionList().stream()
        .filter(r -> r.getDimension() == MeasureDimension.MEASURE_DIMENSION_ALL)
        .map(RetentionSegment::getStartingArr)
        .mapToLong(Money::getMinorUnits)
        .sum();
  }
}
