package dev.headroom.app.demo;

import com.google.protobuf.FieldMask;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.Subscription;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The host's billing system: applies a purchase to the account's subscription in signal-service
 * ({@code PutAccount}, as a host's billing would), and reports what it sold or what a rep decided
 * to scoring-service ({@code RecordOutcome}).
 */
final class HostBilling {
  private final SignalServiceBlockingStub signal;
  private final ScoringServiceBlockingStub scoring;
  private final Queue<RecordOutcomeRequest> pending = new ConcurrentLinkedQueue<>();

  HostBilling(SignalServiceBlockingStub signal, ScoringServiceBlockingStub scoring) {
    this.signal = signal;
    this.scoring = scoring;
  }

  /**
   * Applies a purchase: a new subscription and the account's new ARR.
   *
   * @return the ARR the purchase added, in cents
   */
  long purchase(
      SimulatedAccount account,
      ExpansionType type,
      String targetPlan,
      int extraSeats,
      Instant now) {
    long before = account.arrCents();
    Subscription sub = account.expand(type, targetPlan, extraSeats, now);
    signal.putAccount(
        PutAccountRequest.newBuilder()
            .setAccount(
                Account.newBuilder()
                    .setAccountId(account.accountId)
                    .addSubscriptions(sub)
                    .setArr(account.arr()))
            .setUpdateMask(FieldMask.newBuilder().addPaths("subscriptions").addPaths("arr"))
            .build());
    return Math.max(0, account.arrCents() - before);
  }

  /**
   * Records an outcome in scoring-service; the outcome id makes a repeat harmless. An account
   * scoring-service has not heard of yet (its feed from signal-service runs behind) keeps its
   * outcome for {@link #recordPending()}, as a billing system retries a failed report.
   */
  void outcome(
      String outcomeId,
      SimulatedAccount account,
      boolean isWon,
      ExpansionType type,
      long arrCents,
      OutcomeSource source,
      Instant now) {
    RecordOutcomeRequest request =
        RecordOutcomeRequest.newBuilder()
            .setOutcome(
                Outcome.newBuilder()
                    .setOutcomeId(outcomeId)
                    .setAccountId(account.accountId)
                    .setResult(
                        isWon
                            ? OutcomeResult.OUTCOME_RESULT_WON
                            : OutcomeResult.OUTCOME_RESULT_LOST)
                    .setExpansionType(type)
                    .setArrDelta(DemoCatalog.usd(arrCents))
                    .setOccurredAt(SimulatedAccount.ts(now))
                    .setSource(source)
                    .setExternalRef(outcomeId))
            .build();
    if (!recorded(request)) {
      pending.add(request);
    }
  }

  /** The outcomes waiting for their account, to carry over a restart. */
  List<RecordOutcomeRequest> pending() {
    return List.copyOf(pending);
  }

  void restorePending(List<RecordOutcomeRequest> outcomes) {
    pending.clear();
    pending.addAll(outcomes);
  }

  /**
   * Records the outcomes scoring-service could not take yet.
   *
   * @return how many are still waiting for their account
   */
  int recordPending() {
    pending.removeIf(this::recorded);
    return pending.size();
  }

  private boolean recorded(RecordOutcomeRequest request) {
    try {
      scoring.recordOutcome(request);
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        // Reported before under this id, before a restart made the demo play its day again: the
        // first report stands, as a billing system's retry after a lost answer would find.
        return true;
      }
      throw e;
    }
  }
}
