package dev.headroom.prompt.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Adds Holm and Benjamini-Hochberg adjusted p-values when several treatment arms are compared with
 * the same control. A family is one metric, one lift (relative or absolute) and one kind of
 * inference (fixed-horizon or sequential) across the arms that could be compared.
 */
final class MultipleArms {
  private MultipleArms() {}

  static List<ArmComparison> adjust(List<ArmComparison> comparisons) {
    List<MetricComparison> conversions =
        adjustFamily(comparisons.stream().map(ArmComparison::conversion).toList());
    List<MetricComparison> revenues =
        adjustFamily(comparisons.stream().map(ArmComparison::revenuePerUnit).toList());
    List<MetricComparison> dismissRates =
        adjustFamily(comparisons.stream().map(c -> c.guardrail().dismissRate()).toList());
    List<ArmComparison> adjusted = new ArrayList<>();
    for (int i = 0; i < comparisons.size(); i++) {
      ArmComparison original = comparisons.get(i);
      adjusted.add(
          new ArmComparison(
              original.armKey(),
              original.minimumDataWarning(),
              conversions.get(i),
              revenues.get(i),
              new Guardrail(dismissRates.get(i), original.guardrail().worseThanControl())));
    }
    return adjusted;
  }

  private static List<MetricComparison> adjustFamily(List<MetricComparison> comparisons) {
    List<Integer> comparedAt = new ArrayList<>();
    List<MetricComparison.Compared> compared = new ArrayList<>();
    for (int i = 0; i < comparisons.size(); i++) {
      if (comparisons.get(i) instanceof MetricComparison.Compared c) {
        comparedAt.add(i);
        compared.add(c);
      }
    }
    if (compared.size() < 2) {
      return comparisons;
    }
    List<Lift> relative = adjustLifts(compared.stream().map(c -> c.relative()).toList());
    List<Lift> absolute = adjustLifts(compared.stream().map(c -> c.absolute()).toList());
    List<MetricComparison> adjusted = new ArrayList<>(comparisons);
    for (int k = 0; k < compared.size(); k++) {
      MetricComparison.Compared c = compared.get(k);
      adjusted.set(
          comparedAt.get(k),
          new MetricComparison.Compared(
              c.controlMean(),
              c.treatmentMean(),
              c.degreesOfFreedom(),
              relative.get(k),
              absolute.get(k)));
    }
    return adjusted;
  }

  private static List<Lift> adjustLifts(List<Lift> lifts) {
    List<Inference> fixed = adjustInferences(lifts.stream().map(Lift::fixedHorizon).toList());
    boolean sequentialOn = lifts.get(0).sequential().isPresent();
    List<Inference> sequential =
        sequentialOn
            ? adjustInferences(lifts.stream().map(l -> l.sequential().orElseThrow()).toList())
            : List.of();
    List<Lift> adjusted = new ArrayList<>();
    for (int k = 0; k < lifts.size(); k++) {
      Lift lift = lifts.get(k).withFixedHorizon(fixed.get(k));
      adjusted.add(sequentialOn ? lift.withSequential(sequential.get(k)) : lift);
    }
    return adjusted;
  }

  private static List<Inference> adjustInferences(List<Inference> inferences) {
    double[] pValues = inferences.stream().mapToDouble(Inference::pValue).toArray();
    double[] holm = PValueAdjustment.holm(pValues);
    double[] benjaminiHochberg = PValueAdjustment.benjaminiHochberg(pValues);
    List<Inference> adjusted = new ArrayList<>();
    for (int k = 0; k < inferences.size(); k++) {
      adjusted.add(
          inferences.get(k).withAdjusted(new AdjustedPValues(holm[k], benjaminiHochberg[k])));
    }
    return adjusted;
  }
}
