package dev.headroom.prompt.stats;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rejects input that has no meaningful analysis, naming the first bad field. */
final class ExperimentDataValidator {
  /** Relative slack for sum-of-squares rounding in the Cauchy-Schwarz check. */
  private static final double SUM_OF_SQUARES_SLACK = 1e-9;

  private ExperimentDataValidator() {}

  static void validate(ExperimentData data) {
    validateOptions(data.options());
    List<ArmData> arms = data.arms();
    if (arms.size() < 2) {
      throw new InvalidExperimentDataException("arms", "at least two arms are needed");
    }
    Set<String> keys = new HashSet<>();
    int controls = 0;
    int holdouts = 0;
    for (int i = 0; i < arms.size(); i++) {
      ArmData arm = arms.get(i);
      String path = "arms[" + i + "]";
      if (arm.armKey().isBlank()) {
        throw new InvalidExperimentDataException(path + ".arm_key", "must not be blank");
      }
      if (!keys.add(arm.armKey())) {
        throw new InvalidExperimentDataException(
            path + ".arm_key", "duplicate arm key " + arm.armKey());
      }
      if (!(arm.intendedWeight() > 0) || Double.isInfinite(arm.intendedWeight())) {
        throw new InvalidExperimentDataException(
            path + ".intended_weight", "must be a positive finite number");
      }
      controls += arm.role() == ArmRole.CONTROL ? 1 : 0;
      holdouts += arm.role() == ArmRole.HOLDOUT ? 1 : 0;
      validateAggregates(path + ".totals", arm.totals());
      for (Map.Entry<String, Aggregates> surface : arm.bySurface().entrySet()) {
        if (surface.getKey().isBlank()) {
          throw new InvalidExperimentDataException(
              path + ".by_surface", "surface names must not be blank");
        }
        validateAggregates(path + ".by_surface[" + surface.getKey() + "]", surface.getValue());
      }
    }
    if (controls != 1) {
      throw new InvalidExperimentDataException(
          "arms", "exactly one CONTROL arm is needed, found " + controls);
    }
    if (holdouts > 1) {
      throw new InvalidExperimentDataException(
          "arms", "at most one HOLDOUT arm is allowed, found " + holdouts);
    }
  }

  private static void validateOptions(AnalysisOptions options) {
    if (!(options.alpha() > 0 && options.alpha() < 1)) {
      throw new InvalidExperimentDataException("options.alpha", "must be strictly between 0 and 1");
    }
    if (!(options.srmThreshold() > 0 && options.srmThreshold() < 1)) {
      throw new InvalidExperimentDataException(
          "options.srm_threshold", "must be strictly between 0 and 1");
    }
    double tuning = options.sequential().tuningParameter();
    if (options.sequential().enabled() && (!(tuning > 0) || Double.isInfinite(tuning))) {
      throw new InvalidExperimentDataException(
          "options.sequential.tuning_parameter", "must be a positive finite number");
    }
    if (options.minimumData().unitsPerArm() < 0) {
      throw new InvalidExperimentDataException(
          "options.minimum_data.units_per_arm", "must not be negative");
    }
    if (options.minimumData().conversionsPerArm() < 0) {
      throw new InvalidExperimentDataException(
          "options.minimum_data.conversions_per_arm", "must not be negative");
    }
  }

  private static void validateAggregates(String path, Aggregates aggregates) {
    long units = aggregates.units();
    if (units < 0) {
      throw new InvalidExperimentDataException(path + ".units", "must not be negative");
    }
    requireCountWithinUnits(path + ".conversions", aggregates.conversions(), units);
    requireCountWithinUnits(path + ".dismissals", aggregates.dismissals(), units);
    double sum = aggregates.revenueSum();
    double sumOfSquares = aggregates.revenueSumOfSquares();
    if (!(sum >= 0) || Double.isInfinite(sum)) {
      throw new InvalidExperimentDataException(
          path + ".revenue_sum", "must be a non-negative finite number");
    }
    if (!(sumOfSquares >= 0) || Double.isInfinite(sumOfSquares)) {
      throw new InvalidExperimentDataException(
          path + ".revenue_sum_of_squares", "must be a non-negative finite number");
    }
    if (units == 0 && sum > 0) {
      throw new InvalidExperimentDataException(path + ".revenue_sum", "revenue without units");
    }
    // n * sum of squares >= sum^2 for any real per-unit values (Cauchy-Schwarz).
    if (units > 0 && units * sumOfSquares < sum * sum * (1 - SUM_OF_SQUARES_SLACK)) {
      throw new InvalidExperimentDataException(
          path + ".revenue_sum_of_squares", "is smaller than revenue_sum^2 / units allows");
    }
  }

  private static void requireCountWithinUnits(String field, long count, long units) {
    if (count < 0 || count > units) {
      throw new InvalidExperimentDataException(
          field, "must be between 0 and units (" + units + ")");
    }
  }
}
