package dev.headroom.scoring.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringModelTest {
  private static List<CategoryWeight> weights(
      int capacity, int feature, int engagement, int growth, int value) {
    return List.of(
        new CategoryWeight(ScoreCategory.CAPACITY_UTILIZATION, capacity),
        new CategoryWeight(ScoreCategory.FEATURE_READINESS, feature),
        new CategoryWeight(ScoreCategory.ENGAGEMENT_INTENSITY, engagement),
        new CategoryWeight(ScoreCategory.GROWTH_TRAJECTORY, growth),
        new CategoryWeight(ScoreCategory.VALUE_REALIZATION, value));
  }

  @Test
  void seedIsTheSeedsModel() {
    ScoringModel seed = ScoringModel.seed();

    assertEquals(1, seed.version());
    assertEquals(weights(25, 25, 20, 15, 15), seed.weightList());
    assertEquals(10, seed.premiumAttemptsForFullPoints());
    assertEquals(3, seed.growthPointsPerNewUser());
    assertEquals(2, seed.expectedWorkflowsPerSeat());
    assertEquals(5_000_000L, seed.fieldSalesArrThresholdMinor());
    assertEquals(List.of(), ScoringModel.violations(seed.weightList(), 10, 3, 2, 5_000_000L));
  }

  @Test
  void weightsMustSumToExactly100() {
    assertEquals(
        List.of(new FieldViolation("weights", "max points must sum to 100, got 99")),
        ScoringModel.violations(weights(25, 25, 20, 15, 14), 10, 3, 2, 1));
    assertEquals(
        List.of(new FieldViolation("weights", "max points must sum to 100, got 101")),
        ScoringModel.violations(weights(25, 25, 20, 15, 16), 10, 3, 2, 1));
    assertEquals(List.of(), ScoringModel.violations(weights(100, 0, 0, 0, 0), 10, 3, 2, 1));
  }

  @Test
  void negativePointsAreRejectedEvenWhenTheSumIs100() {
    assertEquals(
        List.of(new FieldViolation("weights[4].max_points", "must not be negative, got -5")),
        ScoringModel.violations(weights(30, 30, 30, 15, -5), 10, 3, 2, 1));
  }

  @Test
  void everyCategoryExactlyOnce() {
    List<CategoryWeight> missing = weights(25, 25, 20, 15, 15).subList(0, 4);
    List<CategoryWeight> duplicate =
        List.of(
            new CategoryWeight(ScoreCategory.CAPACITY_UTILIZATION, 25),
            new CategoryWeight(ScoreCategory.CAPACITY_UTILIZATION, 25),
            new CategoryWeight(ScoreCategory.ENGAGEMENT_INTENSITY, 20),
            new CategoryWeight(ScoreCategory.GROWTH_TRAJECTORY, 15),
            new CategoryWeight(ScoreCategory.VALUE_REALIZATION, 15));

    assertEquals(
        List.of(
            new FieldViolation("weights", "category VALUE_REALIZATION is missing"),
            new FieldViolation("weights", "max points must sum to 100, got 85")),
        ScoringModel.violations(missing, 10, 3, 2, 1));
    assertEquals(
        List.of(
            new FieldViolation(
                "weights[1].category", "category CAPACITY_UTILIZATION is given more than once"),
            new FieldViolation("weights", "category FEATURE_READINESS is missing")),
        ScoringModel.violations(duplicate, 10, 3, 2, 1));
  }

  @Test
  void parametersMustBePositive() {
    List<FieldViolation> v = ScoringModel.violations(weights(25, 25, 20, 15, 15), 0, -1, 0, 0);

    assertEquals(
        List.of(
            "premium_attempts_for_full_points",
            "growth_points_per_new_user",
            "expected_workflows_per_seat",
            "field_sales_arr_threshold.minor_units"),
        v.stream().map(FieldViolation::field).toList());
  }

  @Test
  void validatedThrowsInvalidArgumentWithEveryViolation() {
    DomainException.InvalidArgument e =
        assertThrows(
            DomainException.InvalidArgument.class,
            () -> ScoringModel.validated(7, weights(25, 25, 20, 15, 14), 0, 3, 2, 1));

    assertEquals(2, e.violations().size());
    ScoringModel ok = ScoringModel.validated(7, weights(40, 10, 20, 15, 15), 10, 3, 2, 1);
    assertEquals(40, ok.maxPoints(ScoreCategory.CAPACITY_UTILIZATION));
    assertEquals(7, ok.version());
  }

  @Test
  void anInvalidModelCannotBeConstructed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ScoringModel(2, ScoringModel.seed().weights(), 10, 0, 2, 1));
    assertTrue(e.getMessage().contains("growth_points_per_new_user"), e.getMessage());
  }
}
