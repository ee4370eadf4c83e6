package dev.headroom.crm.consume;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.crm.sync.OutcomeSink;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** Records closed opportunities in scoring-service through RecordOutcome (idempotent by id). */
public final class ScoringOutcomes implements OutcomeSink {
  private final ScoringServiceGrpc.ScoringServiceBlockingStub stub;

  public ScoringOutcomes(Channel scoring) {
    this.stub = ScoringServiceGrpc.newBlockingStub(scoring);
  }

  private static Timestamp timestamp(java.time.Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  @Override
  public void record(OutcomeSink.Outcome o) {
    dev.headroom.api.scoring.v1.Outcome outcome =
        dev.headroom.api.scoring.v1.Outcome.newBuilder()
            .setOutcomeId(o.outcomeId())
            .setAccountId(o.accountId())
            .setResult(
                o.won() ? OutcomeResult.OUTCOME_RESULT_WON : OutcomeResult.OUTCOME_RESULT_LOST)
            .setExpansionType(ExpansionType.valueOf("EXPANSION_TYPE_" + o.expansionType()))
            .setArrDelta(
                Money.newBuilder().setCurrencyCode(o.currency()).setMinorUnits(o.arrDeltaMinor()))
            .setOccurredAt(timestamp(o.occurredAt()))
            .setSource(OutcomeSource.OUTCOME_SOURCE_CRM)
            .setExternalRef(o.crmId())
            .build();
    try {
      stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .recordOutcome(RecordOutcomeRequest.newBuilder().setOutcome(outcome).build());
    } catch (StatusRuntimeException e) {
      // Recorded before with the same id: the earlier poll's write landed, nothing to do.
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
  }
}
