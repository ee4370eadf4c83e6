package dev.headroom.scoring.domain;

import static dev.headroom.scoring.domain.Fixtures.facts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScorerCategoriesTest {
  private final Scorer scorer = new Scorer();
  private final ScoringModel seed = ScoringModel.seed();

  private ScoreResult score(Fixtures.FactsBuilder b) {
    return scorer.score(b.build(), seed);
  }

  private static BigDecimal points(ScoreResult r, ScoreCategory c) {
    return r.category(c).pointsDecimal();
  }

  @Test
  void seedFormulasOnATypicalAccount() {
    ScoreResult r =
        score(facts().seats(17, 20).attempts(7).engagement(73).newUsers(2).workflows(12));

    assertEquals(
        new BigDecimal("21.25"), points(r, ScoreCategory.CAPACITY_UTILIZATION)); // 25 × 17/20
    assertEquals(new BigDecimal("17.5"), points(r, ScoreCategory.FEATURE_READINESS)); // 25 × 7/10
    assertEquals(
        new BigDecimal("14.6"), points(r, ScoreCategory.ENGAGEMENT_INTENSITY)); // 73 × 0.20
    assertEquals(new BigDecimal("6"), points(r, ScoreCategory.GROWTH_TRAJECTORY)); // 3 × 2
    assertEquals(
        new BigDecimal("5.294118"), points(r, ScoreCategory.VALUE_REALIZATION)); // 15 × 12/34
    // 21.25 + 17.5 + 14.6 + 6 + 90/17 = 64.644… → 65
    assertEquals(Rational.of(21_979, 340), r.total());
    assertEquals(65, r.score());
    assertEquals(ReadinessBand.READY, r.band());
    assertEquals(1, r.modelVersion());
  }

  @Test
  void explanationsShowInputsAndTheFormulaWithValues() {
    ScoreResult r =
        score(facts().seats(17, 20).attempts(7).engagement(73).newUsers(2).workflows(12));

    CategoryScore capacity = r.category(ScoreCategory.CAPACITY_UTILIZATION);
    assertEquals(Map.of("seats_used", "17", "seats_purchased", "20"), capacity.inputs());
    assertEquals("min(1, 17 seats used / 20 seats purchased) x 25 = 21.25", capacity.explanation());
    assertEquals(25, capacity.maxPoints());
    CategoryScore value = r.category(ScoreCategory.VALUE_REALIZATION);
    assertEquals("34", value.inputs().get("expected_workflows_30d"));
    assertEquals(
        "min(1, 12 workflows completed in 30 days / 34 expected (2 per seat x 17 seats)) x 15"
            + " = 5.294118 (exactly 90/17)",
        value.explanation());
    assertEquals(
        "engagement score 73 / 100 x 20 = 14.6",
        r.category(ScoreCategory.ENGAGEMENT_INTENSITY).explanation());
    assertEquals(
        List.of(ScoreCategory.values()),
        r.categories().stream().map(CategoryScore::category).toList());
  }

  @Test
  void zeroSeatsPurchasedGivesNoCapacityPoints() {
    ScoreResult r = score(facts().seats(4, 0).corePlan(null).subscribed());

    CategoryScore capacity = r.category(ScoreCategory.CAPACITY_UTILIZATION);
    assertEquals(Rational.ZERO, capacity.points());
    assertTrue(capacity.explanation().contains("no seats purchased"), capacity.explanation());
  }

  @Test
  void capsAtTheCategoryMaximum() {
    ScoreResult atCap =
        score(facts().seats(20, 20).attempts(10).engagement(100).newUsers(5).workflows(40));
    ScoreResult beyond =
        score(facts().seats(31, 20).attempts(57).engagement(100).newUsers(9).workflows(400));

    for (ScoreCategory c : ScoreCategory.values()) {
      assertEquals(Rational.of(seed.maxPoints(c)), atCap.category(c).points(), c.name());
      assertEquals(Rational.of(seed.maxPoints(c)), beyond.category(c).points(), c.name());
    }
    assertEquals(100, beyond.score());
    assertEquals(ReadinessBand.URGENT, beyond.band());
  }

  @Test
  void premiumAttemptsBelowTheCapScaleLinearly() {
    assertEquals(
        new BigDecimal("22.5"),
        points(score(facts().attempts(9)), ScoreCategory.FEATURE_READINESS));
    assertEquals(
        new BigDecimal("25"), points(score(facts().attempts(11)), ScoreCategory.FEATURE_READINESS));
  }

  @Test
  void growthIsThreePointsPerNewUserUpToFifteen() {
    assertEquals(
        new BigDecimal("12"), points(score(facts().newUsers(4)), ScoreCategory.GROWTH_TRAJECTORY));
    assertEquals(
        new BigDecimal("15"), points(score(facts().newUsers(6)), ScoreCategory.GROWTH_TRAJECTORY));
  }

  @Test
  void valueExpectsTwoWorkflowsPerSeatAndAtLeastOneSeat() {
    // No members: expected = 2 × max(1, 0) = 2
    assertEquals(
        new BigDecimal("7.5"),
        points(score(facts().seats(0, 5).workflows(1)), ScoreCategory.VALUE_REALIZATION));
  }

  @Test
  void emptyAccountScoresZero() {
    ScoreResult r = score(facts().seats(0, 0).corePlan(null).subscribed());
    assertEquals(0, r.score());
    assertEquals(ReadinessBand.NOT_READY, r.band());
  }

  /**
   * Exact sums around every band edge. used 9 / capacity 27 gives 25/3 and 2 workflows of 18
   * expected give 5/3: repeating decimals that only sum to a whole 10 when the arithmetic is exact.
   */
  @ParameterizedTest(name = "{0}: sum {7} -> {8} {9}")
  @CsvSource({
    // case,                        used, cap, attempts, engagement, new, workflows, sum,
    // score, band
    "thirds 40.5 rounds up,         9,    27,  1,        65,         5,   2,         40.5,       "
        + " 41,    EMERGING",
    "thirds 40.3 stays,             9,    27,  1,        64,         5,   2,         40.3,       "
        + " 40,    NOT_READY",
    "60.49 stays,                   1,    51,  10,       100,        5,   0,         60.490196,  "
        + " 60,    EMERGING",
    "60.5 rounds up,                1,    2,   10,       40,         5,   0,         60.5,       "
        + " 61,    READY",
    "75.3 stays,                    1,    1,   10,       14,         5,   1,         75.3,       "
        + " 75,    READY",
    "75.5 rounds up,                1,    1,   10,       15,         5,   1,         75.5,       "
        + " 76,    URGENT",
    "62.5 half-up not banker's,     1,    2,   10,       50,         5,   0,         62.5,       "
        + " 63,    READY",
  })
  void bandEdgesOnExactSums(
      String name,
      int used,
      int cap,
      int attempts,
      int engagement,
      int newUsers,
      int workflows,
      String sum,
      int score,
      ReadinessBand band) {
    ScoreResult r =
        score(
            facts()
                .seats(used, cap)
                .attempts(attempts)
                .engagement(engagement)
                .newUsers(newUsers)
                .workflows(workflows));

    assertEquals(new BigDecimal(sum), r.total().toDecimal(6), name);
    assertEquals(score, r.score(), name);
    assertEquals(band, r.band(), name);
  }

  @Test
  void bandBoundariesOnIntegers() {
    assertEquals(ReadinessBand.NOT_READY, ReadinessBand.of(0));
    assertEquals(ReadinessBand.NOT_READY, ReadinessBand.of(40));
    assertEquals(ReadinessBand.EMERGING, ReadinessBand.of(41));
    assertEquals(ReadinessBand.EMERGING, ReadinessBand.of(60));
    assertEquals(ReadinessBand.READY, ReadinessBand.of(61));
    assertEquals(ReadinessBand.READY, ReadinessBand.of(75));
    assertEquals(ReadinessBand.URGENT, ReadinessBand.of(76));
    assertEquals(ReadinessBand.URGENT, ReadinessBand.of(100));
  }

  @Test
  void nonSeedWeightsScaleEachCategoryFraction() {
    Map<ScoreCategory, Integer> w = new EnumMap<>(ScoreCategory.class);
    w.put(ScoreCategory.CAPACITY_UTILIZATION, 40);
    w.put(ScoreCategory.FEATURE_READINESS, 10);
    w.put(ScoreCategory.ENGAGEMENT_INTENSITY, 30);
    w.put(ScoreCategory.GROWTH_TRAJECTORY, 10);
    w.put(ScoreCategory.VALUE_REALIZATION, 10);
    ScoringModel model = seed.withWeights(2, w);

    ScoreResult r =
        scorer.score(
            facts().seats(17, 20).attempts(7).engagement(73).newUsers(2).workflows(17).build(),
            model);

    assertEquals(new BigDecimal("34"), points(r, ScoreCategory.CAPACITY_UTILIZATION)); // 40 × 17/20
    assertEquals(new BigDecimal("7"), points(r, ScoreCategory.FEATURE_READINESS)); // 10 × 7/10
    assertEquals(
        new BigDecimal("21.9"), points(r, ScoreCategory.ENGAGEMENT_INTENSITY)); // 30 × 73/100
    assertEquals(
        new BigDecimal("4"), points(r, ScoreCategory.GROWTH_TRAJECTORY)); // 10 × min(1, 3×2/15)
    assertEquals(new BigDecimal("5"), points(r, ScoreCategory.VALUE_REALIZATION)); // 10 × 17/34
    assertEquals(72, r.score()); // 71.9
    assertEquals(2, r.modelVersion());
    // The fraction the fit learns from does not depend on the weights.
    assertEquals(Rational.of(17, 20), r.category(ScoreCategory.CAPACITY_UTILIZATION).fraction());
  }

  @Test
  void formulaParametersComeFromTheModel() {
    ScoringModel model = new ScoringModel(3, seed.weights(), 4, 5, 1, 5_000_000);

    ScoreResult r =
        scorer.score(facts().seats(10, 20).attempts(2).newUsers(2).workflows(5).build(), model);

    assertEquals(new BigDecimal("12.5"), points(r, ScoreCategory.FEATURE_READINESS)); // 25 × 2/4
    assertEquals(new BigDecimal("10"), points(r, ScoreCategory.GROWTH_TRAJECTORY)); // 15 × 5×2/15
    assertEquals(
        new BigDecimal("7.5"), points(r, ScoreCategory.VALUE_REALIZATION)); // 15 × 5/(1×10)
  }
}
