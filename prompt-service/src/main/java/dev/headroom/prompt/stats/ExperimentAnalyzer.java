package dev.headroom.prompt.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Computes an experiment's results from per-arm aggregates, number for number as GrowthBook's stats
 * engine (gbstats) does: see {@code docs/experiment-statistics.md}.
 */
public final class ExperimentAnalyzer {
  private ExperimentAnalyzer() {}

  /**
   * Analyses the experiment overall and on each surface of the breakdown.
   *
   * @throws InvalidExperimentDataException when the input has no meaningful analysis (the field is
   *     named)
   */
  public static ExperimentResults analyze(ExperimentData data) {
    ExperimentDataValidator.validate(data);
    List<ArmData> arms = data.arms();
    AnalysisOptions options = data.options();
    AnalysisResults overall = analyzeSlice(arms, ArmData::totals, options);
    TreeSet<String> surfaces = new TreeSet<>();
    arms.forEach(arm -> surfaces.addAll(arm.bySurface().keySet()));
    List<SurfaceResults> bySurface = new ArrayList<>();
    for (String surface : surfaces) {
      Function<ArmData, Aggregates> onSurface =
          arm -> arm.bySurface().getOrDefault(surface, Aggregates.NONE);
      bySurface.add(new SurfaceResults(surface, analyzeSlice(arms, onSurface, options)));
    }
    return new ExperimentResults(overall, bySurface);
  }

  private static AnalysisResults analyzeSlice(
      List<ArmData> arms, Function<ArmData, Aggregates> slice, AnalysisOptions options) {
    List<ArmSummary> summaries = new ArrayList<>();
    for (ArmData arm : arms) {
      summaries.add(summarize(arm, slice.apply(arm)));
    }
    SrmCheck srm =
        SampleRatioCheck.check(
            arms.stream().map(arm -> slice.apply(arm).units()).toList(),
            arms.stream().map(ArmData::intendedWeight).toList(),
            options.srmThreshold());
    Aggregates control =
        slice.apply(arms.stream().filter(arm -> arm.role() == ArmRole.CONTROL).findFirst().get());
    List<ArmComparison> comparisons = new ArrayList<>();
    for (ArmData arm : arms) {
      if (arm.role() == ArmRole.TREATMENT) {
        comparisons.add(compareArm(arm.armKey(), control, slice.apply(arm), options));
      }
    }
    return new AnalysisResults(summaries, srm, MultipleArms.adjust(comparisons));
  }

  private static ArmSummary summarize(ArmData arm, Aggregates aggregates) {
    long units = aggregates.units();
    return new ArmSummary(
        arm.armKey(),
        arm.role(),
        units,
        aggregates.conversions(),
        perUnit((double) aggregates.conversions(), units),
        perUnit(aggregates.revenueSum(), units),
        perUnit((double) aggregates.dismissals(), units));
  }

  private static OptionalDouble perUnit(double total, long units) {
    return units == 0 ? OptionalDouble.empty() : OptionalDouble.of(total / units);
  }

  private static ArmComparison compareArm(
      String armKey, Aggregates control, Aggregates treatment, AnalysisOptions options) {
    MinimumData minimum = options.minimumData();
    boolean minimumDataWarning =
        Math.min(control.units(), treatment.units()) < minimum.unitsPerArm()
            || Math.min(control.conversions(), treatment.conversions())
                < minimum.conversionsPerArm();
    MetricComparison conversion =
        MeanComparison.compare(
            PerUnitStatistic.proportion(control.conversions(), control.units()),
            PerUnitStatistic.proportion(treatment.conversions(), treatment.units()),
            options);
    MetricComparison revenue =
        MeanComparison.compare(
            PerUnitStatistic.sampleMean(
                control.units(), control.revenueSum(), control.revenueSumOfSquares()),
            PerUnitStatistic.sampleMean(
                treatment.units(), treatment.revenueSum(), treatment.revenueSumOfSquares()),
            options);
    MetricComparison dismissRate =
        MeanComparison.compare(
            PerUnitStatistic.proportion(control.dismissals(), control.units()),
            PerUnitStatistic.proportion(treatment.dismissals(), treatment.units()),
            options);
    return new ArmComparison(
        armKey,
        minimumDataWarning,
        conversion,
        revenue,
        new Guardrail(dismissRate, significantlyHigher(dismissRate, options.alpha())));
  }

  private static boolean significantlyHigher(MetricComparison comparison, double alpha) {
    return comparison instanceof MetricComparison.Compared compared
        && compared.relative().estimate() > 0
        && compared.relative().reported().pValue() < alpha;
  }
}
