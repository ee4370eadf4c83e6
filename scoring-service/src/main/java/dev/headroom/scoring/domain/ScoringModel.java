package dev.headroom.scoring.domain;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scoring weights and formula parameters as versioned data. An instance is always valid; build one
 * from untrusted input with {@link #validated} (INVALID_ARGUMENT with every violation) or check
 * first with {@link #violations}.
 *
 * <p>Each category contributes {@code maxPoints × fraction}, the fraction (0-1) depending only on
 * the account's metrics and the formula parameters, never on the weights (see {@link Scorer}). That
 * keeps a category's meaning fixed when a refit moves points between categories, which is what
 * makes the fit's features comparable.
 *
 * @param version server-assigned, increasing; 1 is the seed model, 0 a proposal not stored yet
 * @param weights the maximum points of each of the five categories, summing to 100
 * @param premiumAttemptsForFullPoints premium attempts in 30 days that earn the full feature points
 *     (seed 10)
 * @param growthPointsPerNewUser growth points per new user on the seed's 15-point scale (seed 3:
 *     full at 5 users)
 * @param expectedWorkflowsPerSeat completed workflows per seat in 30 days for full value points
 *     (seed 2)
 * @param fieldSalesArrThresholdMinor above this ARR potential (minor units of the account's
 *     currency) the motion is FIELD_SALES whatever the type (seed 5,000,000 = 50,000.00)
 */
public record ScoringModel(
    long version,
    Map<ScoreCategory, Integer> weights,
    int premiumAttemptsForFullPoints,
    int growthPointsPerNewUser,
    int expectedWorkflowsPerSeat,
    long fieldSalesArrThresholdMinor) {

  /**
   * The growth fraction is min(1, points per new user × new users / this): the seed category's
   * points.
   */
  public static final int GROWTH_SCALE_POINTS = 15;

  public ScoringModel {
    Objects.requireNonNull(weights, "weights");
    List<FieldViolation> violations =
        violations(
            asList(weights),
            premiumAttemptsForFullPoints,
            growthPointsPerNewUser,
            expectedWorkflowsPerSeat,
            fieldSalesArrThresholdMinor);
    if (version < 0) {
      violations = new ArrayList<>(violations);
      violations.add(new FieldViolation("version", "must not be negative"));
    }
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException("invalid scoring model: " + violations);
    }
    weights = Collections.unmodifiableMap(new EnumMap<>(weights));
  }

  /** Version 1: the default expansion scoring model (docs/scoring.md). */
  public static ScoringModel seed() {
    Map<ScoreCategory, Integer> w = new EnumMap<>(ScoreCategory.class);
    w.put(ScoreCategory.CAPACITY_UTILIZATION, 25);
    w.put(ScoreCategory.FEATURE_READINESS, 25);
    w.put(ScoreCategory.ENGAGEMENT_INTENSITY, 20);
    w.put(ScoreCategory.GROWTH_TRAJECTORY, 15);
    w.put(ScoreCategory.VALUE_REALIZATION, 15);
    return new ScoringModel(1, w, 10, 3, 2, 5_000_000L);
  }

  /** Builds a model from untrusted input, or throws INVALID_ARGUMENT listing every violation. */
  public static ScoringModel validated(
      long version,
      List<CategoryWeight> weights,
      int premiumAttemptsForFullPoints,
      int growthPointsPerNewUser,
      int expectedWorkflowsPerSeat,
      long fieldSalesArrThresholdMinor) {
    List<FieldViolation> violations =
        violations(
            weights,
            premiumAttemptsForFullPoints,
            growthPointsPerNewUser,
            expectedWorkflowsPerSeat,
            fieldSalesArrThresholdMinor);
    if (!violations.isEmpty()) {
      throw new DomainException.InvalidArgument(violations);
    }
    Map<ScoreCategory, Integer> map = new EnumMap<>(ScoreCategory.class);
    weights.forEach(w -> map.put(w.category(), w.maxPoints()));
    return new ScoringModel(
        version,
        map,
        premiumAttemptsForFullPoints,
        growthPointsPerNewUser,
        expectedWorkflowsPerSeat,
        fieldSalesArrThresholdMinor);
  }

  /**
   * Every problem with a candidate model, with field paths of the proto {@code Model} message.
   * Empty when valid: each of the five categories exactly once, no negative points, points summing
   * to 100, every formula parameter and the threshold positive.
   */
  public static List<FieldViolation> violations(
      List<CategoryWeight> weights,
      int premiumAttemptsForFullPoints,
      int growthPointsPerNewUser,
      int expectedWorkflowsPerSeat,
      long fieldSalesArrThresholdMinor) {
    List<FieldViolation> out = new ArrayList<>();
    Map<ScoreCategory, Integer> seen = new EnumMap<>(ScoreCategory.class);
    long sum = 0;
    for (int i = 0; i < weights.size(); i++) {
      CategoryWeight w = weights.get(i);
      if (w == null) {
        out.add(new FieldViolation("weights[" + i + "]", "must be set"));
        continue;
      }
      if (seen.put(w.category(), i) != null) {
        out.add(
            new FieldViolation(
                "weights[" + i + "].category",
                "category " + w.category() + " is given more than once"));
      }
      if (w.maxPoints() < 0) {
        out.add(
            new FieldViolation(
                "weights[" + i + "].max_points", "must not be negative, got " + w.maxPoints()));
      }
      sum += w.maxPoints();
    }
    for (ScoreCategory c : ScoreCategory.values()) {
      if (!seen.containsKey(c)) {
        out.add(new FieldViolation("weights", "category " + c + " is missing"));
      }
    }
    if (sum != 100) {
      out.add(new FieldViolation("weights", "max points must sum to 100, got " + sum));
    }
    positive(out, "premium_attempts_for_full_points", premiumAttemptsForFullPoints);
    positive(out, "growth_points_per_new_user", growthPointsPerNewUser);
    positive(out, "expected_workflows_per_seat", expectedWorkflowsPerSeat);
    positive(out, "field_sales_arr_threshold.minor_units", fieldSalesArrThresholdMinor);
    return out;
  }

  public int maxPoints(ScoreCategory category) {
    return weights.get(category);
  }

  /** The weights in canonical category order. */
  public List<CategoryWeight> weightList() {
    return asList(weights);
  }

  /** The same parameters with other weights: what a fit proposes. */
  public ScoringModel withWeights(long newVersion, Map<ScoreCategory, Integer> newWeights) {
    return new ScoringModel(
        newVersion,
        newWeights,
        premiumAttemptsForFullPoints,
        growthPointsPerNewUser,
        expectedWorkflowsPerSeat,
        fieldSalesArrThresholdMinor);
  }

  private static List<CategoryWeight> asList(Map<ScoreCategory, Integer> weights) {
    List<CategoryWeight> list = new ArrayList<>();
    for (ScoreCategory c : ScoreCategory.values()) {
      Integer points = weights.get(c);
      if (points != null) {
        list.add(new CategoryWeight(c, points));
      }
    }
    return list;
  }

  private static void positive(List<FieldViolation> out, String field, long value) {
    if (value <= 0) {
      out.add(new FieldViolation(field, "must be positive, got " + value));
    }
  }
}
