package dev.headroom.prompt.results;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.prompt.events.ArmAggregate;
import dev.headroom.prompt.events.ExperimentAggregates;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Experiments;
import dev.headroom.prompt.stats.Aggregates;
import dev.headroom.prompt.stats.AnalysisOptions;
import dev.headroom.prompt.stats.ArmData;
import dev.headroom.prompt.stats.ArmRole;
import dev.headroom.prompt.stats.ExperimentAnalyzer;
import dev.headroom.prompt.stats.ExperimentData;
import dev.headroom.prompt.stats.ExperimentResults;
import dev.headroom.prompt.stats.InvalidExperimentDataException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment's statistics: the stored per-arm aggregates run through {@link ExperimentAnalyzer},
 * or aggregates an analyst supplies run through the same analysis.
 */
public final class ExperimentReports {
  /** The arm key of the holdout; variant keys cannot take it. */
  public static final String HOLDOUT_ARM_KEY = "holdout";

  /** Results with what they were computed from. */
  public record Report(
      String experimentId, Instant computedAt, String currencyCode, ExperimentResults results) {}

  private final Experiments experiments;
  private final ExperimentAggregates aggregates;
  private final Clock clock;

  public ExperimentReports(Experiments experiments, ExperimentAggregates aggregates, Clock clock) {
    this.experiments = experiments;
    this.aggregates = aggregates;
    this.clock = clock;
  }

  /**
   * The results of a started experiment. NOT_FOUND for an unknown one, FAILED_PRECONDITION for a
   * DRAFT (it has no exposures to analyze).
   */
  public Report results(String experimentId, AnalysisOptions options) {
    Experiment experiment = experiments.get(experimentId);
    if (experiment.status() == Experiment.Status.DRAFT) {
      throw new DomainException.FailedPrecondition(
          Reason.FAILED_PRECONDITION, "a DRAFT experiment has no results; start it first");
    }
    ExperimentAggregates.Result stored = aggregates.compute(experiment, clock.instant());
    return new Report(
        experimentId,
        stored.computedAt(),
        stored.currencyCode(),
        analyze(new ExperimentData(armData(stored.arms()), options)));
  }

  /** The analysis of supplied data; a bad aggregate is INVALID_ARGUMENT naming its field. */
  public Report analyzeSupplied(ExperimentData data, String currencyCode) {
    return new Report("", clock.instant(), currencyCode, analyze(data));
  }

  /** The engine's input for stored aggregates: one arm per design arm, surfaces by name. */
  public static List<ArmData> armData(List<ArmAggregate> stored) {
    Map<String, ArmAggregate> totals = new LinkedHashMap<>();
    Map<String, Map<String, Aggregates>> bySurface = new HashMap<>();
    for (ArmAggregate arm : stored) {
      String key = arm.holdout() ? HOLDOUT_ARM_KEY : arm.variantKey();
      if (arm.surface().isEmpty()) {
        totals.put(key, arm);
      } else {
        bySurface
            .computeIfAbsent(key, k -> new HashMap<>())
            .put(arm.surface().get().name(), aggregates(arm));
      }
    }
    List<ArmData> arms = new ArrayList<>();
    totals.forEach(
        (key, arm) ->
            arms.add(
                new ArmData(
                    key,
                    arm.holdout()
                        ? ArmRole.HOLDOUT
                        : arm.control() ? ArmRole.CONTROL : ArmRole.TREATMENT,
                    arm.intendedWeight(),
                    aggregates(arm),
                    bySurface.getOrDefault(key, Map.of()))));
    return arms;
  }

  private static Aggregates aggregates(ArmAggregate arm) {
    return new Aggregates(
        arm.units(),
        arm.convertedUnits(),
        arm.revenueSum(),
        arm.revenueSumOfSquares(),
        arm.dismissedUnits());
  }

  private static ExperimentResults analyze(ExperimentData data) {
    try {
      return ExperimentAnalyzer.analyze(data);
    } catch (InvalidExperimentDataException e) {
      String description = e.getMessage().substring(e.field().length() + 2);
      throw DomainException.InvalidArgument.of(e.field(), description);
    }
  }
}
