package dev.headroom.crm.testing;

import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.Money;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.RecordOutcomeResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.EvidenceItem;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * scoring-service's WatchScores as the connector sees it: every published score in cursor order, a
 * stream that stays open for new ones, resumable from any cursor it still retains; ListScores
 * serves every account's latest score.
 */
public final class FakeScoring extends ScoringServiceGrpc.ScoringServiceImplBase {
  private final List<WatchScoresResponse> log = new ArrayList<>();
  private final List<ServerCallStreamObserver<WatchScoresResponse>> open = new ArrayList<>();
  private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private static final int LIST_PAGE_MAX = 2;
  private long prunedThrough;
  private Runnable beforeListScores = () -> {};

  /** Outcomes recorded through RecordOutcome, by outcome id. */
  public synchronized Map<String, Outcome> outcomes() {
    return Map.copyOf(outcomes);
  }

  @Override
  public synchronized void recordOutcome(
      RecordOutcomeRequest req, StreamObserver<RecordOutcomeResponse> obs) {
    Outcome o = req.getOutcome();
    Outcome before = outcomes.putIfAbsent(o.getOutcomeId(), o);
    if (before != null && !before.equals(o)) {
      obs.onError(Status.ALREADY_EXISTS.asRuntimeException());
      return;
    }
    obs.onNext(
        RecordOutcomeResponse.newBuilder().setOutcome(o).setDuplicate(before != null).build());
    obs.onCompleted();
  }

  public synchronized void publish(Score score) {
    WatchScoresResponse msg =
        WatchScoresResponse.newBuilder().setCursor(log.size() + 1L).setScore(score).build();
    log.add(msg);
    open.removeIf(ServerCallStreamObserver::isCancelled);
    open.forEach(o -> o.onNext(msg));
  }

  public synchronized long lastCursor() {
    return log.size();
  }

  /**
   * Forgets the messages through {@code cursor}, as scoring-service's outbox retention does: a
   * Watch from before it fails the way scoring-service's does (CURSOR_EXPIRED).
   */
  public synchronized void pruneThrough(long cursor) {
    prunedThrough = cursor;
  }

  /** Runs before every ListScores page is read, outside this service's lock. */
  public synchronized void beforeListScores(Runnable action) {
    beforeListScores = action;
  }

  /**
   * The latest score of every account, by account id, in pages of at most {@link #LIST_PAGE_MAX} so
   * a few accounts already take several pages; the page token is the last account id.
   */
  @Override
  public void listScores(ListScoresRequest req, StreamObserver<ListScoresResponse> obs) {
    Runnable before;
    synchronized (this) {
      before = beforeListScores;
    }
    before.run();
    TreeMap<String, Score> latest = new TreeMap<>();
    synchronized (this) {
      for (WatchScoresResponse m : log) {
        latest.put(m.getScore().getAccountId(), m.getScore());
      }
    }
    ListScoresResponse.Builder page = ListScoresResponse.newBuilder();
    for (Score score : latest.tailMap(req.getPageToken(), false).values()) {
      if (page.getScoresCount() == Math.min(req.getPageSize(), LIST_PAGE_MAX)) {
        page.setNextPageToken(page.getScores(page.getScoresCount() - 1).getAccountId());
        break;
      }
      page.addScores(score);
    }
    obs.onNext(page.build());
    obs.onCompleted();
  }

  @Override
  public synchronized void watchScores(
      WatchScoresRequest req, StreamObserver<WatchScoresResponse> obs) {
    if (req.getAfterCursor() < prunedThrough) {
      long firstRetained = prunedThrough + 1;
      obs.onError(
          new ErrorMapper("scoring")
              .toStatusException(
                  new DomainException.FailedPrecondition(
                      Reason.CURSOR_EXPIRED,
                      "scores after " + req.getAfterCursor() + " were pruned",
                      Map.of("first_retained_seq", Long.toString(firstRetained)))));
      return;
    }
    ServerCallStreamObserver<WatchScoresResponse> call =
        (ServerCallStreamObserver<WatchScoresResponse>) obs;
    for (WatchScoresResponse m : log) {
      if (m.getCursor() > req.getAfterCursor()) {
        call.onNext(m);
      }
    }
    open.add(call);
  }

  /** A score with one active seat signal; URGENT above 75. */
  public static Score score(String accountId, int score, ExpansionType primary, long arrMinor) {
    Instant since = Instant.parse("2026-11-02T10:15:30Z");
    ReadinessBand band =
        score > 75
            ? ReadinessBand.READINESS_BAND_URGENT
            : score > 60
                ? ReadinessBand.READINESS_BAND_READY
                : ReadinessBand.READINESS_BAND_EMERGING;
    return Score.newBuilder()
        .setAccountId(accountId)
        .setScore(score)
        .setBand(band)
        .setPrimaryType(primary)
        .addTypes(
            TypePotential.newBuilder()
                .setType(primary)
                .setArrPotential(Money.newBuilder().setCurrencyCode("USD").setMinorUnits(arrMinor))
                .setMotion(RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE))
        .setArrPotential(Money.newBuilder().setCurrencyCode("USD").setMinorUnits(arrMinor))
        .setMotion(RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE)
        .setOwner("Product+CS")
        .setRecommendedSeats(5)
        .addSignals(
            Signal.newBuilder()
                .setAccountId(accountId)
                .setType(SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
                .setStatus(SignalStatus.SIGNAL_STATUS_ACTIVE)
                .setSince(Timestamp.newBuilder().setSeconds(since.getEpochSecond()))
                .setExpansionType(primary)
                .addEvidence(
                    EvidenceItem.newBuilder()
                        .setMetric("seat_utilization")
                        .setValue("0.85")
                        .setThreshold("0.80")
                        .setDescription("17 of 20 seats used (85%) >= 80%")))
        .setActivated(true)
        .build();
  }
}
