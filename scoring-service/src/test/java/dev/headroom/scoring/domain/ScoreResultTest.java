package dev.headroom.scoring.domain;

import static dev.headroom.scoring.domain.Fixtures.T;
import static dev.headroom.scoring.domain.Fixtures.facts;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreResultTest {
  private final Scorer scorer = new Scorer();

  private ScoreResult score(Fixtures.FactsBuilder b) {
    return scorer.score(b.build(), ScoringModel.seed());
  }

  @Test
  void aFirstScoreIsAChange() {
    assertTrue(score(facts()).materiallyDiffersFrom(null));
  }

  @Test
  void pointsMovingInsideTheSameIntegerScoreAreNotAChange() {
    ScoreResult before = score(facts().seats(10, 20).engagement(50)); // 12.5 + 10 = 22.5 → 23
    ScoreResult after = score(facts().seats(10, 20).engagement(52)); // 12.5 + 10.4 = 22.9 → 23

    assertNotEquals(before.total(), after.total());
    assertFalse(after.materiallyDiffersFrom(before));
  }

  @Test
  void evidenceValuesMovingAreNotAChangeButANewSinceIs() {
    HeldSignal seats =
        Fixtures.signal(SignalType.SEAT_UTILIZATION_HIGH, SignalStatus.ACTIVE, T.minusSeconds(60));
    HeldSignal sameWithNewEvidence =
        new HeldSignal(
            seats.signalId(),
            seats.type(),
            seats.status(),
            seats.since(),
            List.of(new Evidence("seats_used", "19", "16", "19 of 20 seats used (95%) >= 80%")));
    HeldSignal restarted =
        Fixtures.signal(SignalType.SEAT_UTILIZATION_HIGH, SignalStatus.ACTIVE, T);

    ScoreResult before = score(facts().signal(seats));
    assertFalse(score(facts().signal(sameWithNewEvidence)).materiallyDiffersFrom(before));
    assertTrue(score(facts().signal(restarted)).materiallyDiffersFrom(before));
  }

  @Test
  void whatUsersSeeChanging() {
    ScoreResult base = score(facts().seats(21, 20).active(SignalType.SEAT_UTILIZATION_HIGH));

    assertTrue(
        score(facts().seats(21, 20).engagement(30).active(SignalType.SEAT_UTILIZATION_HIGH))
            .materiallyDiffersFrom(base),
        "score");
    assertTrue(
        score(facts().seats(22, 20).active(SignalType.SEAT_UTILIZATION_HIGH))
            .materiallyDiffersFrom(base),
        "seats and ARR");
    assertTrue(
        score(
                facts()
                    .seats(21, 20)
                    .active(SignalType.SEAT_UTILIZATION_HIGH, SignalType.CROSS_PRODUCT_FIT))
            .materiallyDiffersFrom(base),
        "a type");
    assertTrue(
        score(facts().seats(21, 20).activated(false).active(SignalType.SEAT_UTILIZATION_HIGH))
            .materiallyDiffersFrom(base),
        "activation");
    ScoringModel other = new ScoringModel(2, ScoringModel.seed().weights(), 10, 3, 2, 5_000_000);
    assertTrue(
        scorer
            .score(facts().seats(21, 20).active(SignalType.SEAT_UTILIZATION_HIGH).build(), other)
            .materiallyDiffersFrom(base),
        "model version");
    assertFalse(
        score(facts().seats(21, 20).active(SignalType.SEAT_UTILIZATION_HIGH))
            .materiallyDiffersFrom(base),
        "identical");
  }
}
