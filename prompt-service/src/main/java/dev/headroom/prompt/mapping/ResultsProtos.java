package dev.headroom.prompt.mapping;

import com.google.protobuf.util.Timestamps;
import dev.headroom.api.prompt.v1.AnalyzeExperimentDataRequest;
import dev.headroom.api.prompt.v1.SurfaceAggregates;
import dev.headroom.kit.validation.Validation;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.results.ExperimentReports;
import dev.headroom.prompt.stats.AdjustedPValues;
import dev.headroom.prompt.stats.Aggregates;
import dev.headroom.prompt.stats.AnalysisOptions;
import dev.headroom.prompt.stats.AnalysisResults;
import dev.headroom.prompt.stats.ArmComparison;
import dev.headroom.prompt.stats.ArmData;
import dev.headroom.prompt.stats.ArmRole;
import dev.headroom.prompt.stats.ArmSummary;
import dev.headroom.prompt.stats.BayesianResult;
import dev.headroom.prompt.stats.ExperimentData;
import dev.headroom.prompt.stats.Inference;
import dev.headroom.prompt.stats.Interval;
import dev.headroom.prompt.stats.Lift;
import dev.headroom.prompt.stats.MetricComparison;
import dev.headroom.prompt.stats.SequentialOptions;
import dev.headroom.prompt.stats.SrmCheck;
import dev.headroom.prompt.stats.SurfaceResults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The experiment statistics on the wire (results.proto), shared by the gRPC and HTTP edges. */
public final class ResultsProtos {
  private ResultsProtos() {}

  /** The analysis options a request asks for; unset fields are the engine's defaults. */
  public static AnalysisOptions options(dev.headroom.api.prompt.v1.AnalysisOptions p) {
    AnalysisOptions defaults = AnalysisOptions.DEFAULTS;
    return new AnalysisOptions(
        p.hasAlpha() ? p.getAlpha() : defaults.alpha(),
        p.getSequential()
            ? SequentialOptions.on(SequentialOptions.DEFAULT_TUNING_PARAMETER)
            : SequentialOptions.off(),
        defaults.minimumData(),
        p.hasSrmThreshold() ? p.getSrmThreshold() : defaults.srmThreshold());
  }

  /** The engine's input from an analyst's request; the engine validates the numbers. */
  public static ExperimentData data(AnalyzeExperimentDataRequest r) {
    Validation v = Validation.of();
    List<ArmData> arms = new ArrayList<>();
    for (int i = 0; i < r.getArmsCount(); i++) {
      dev.headroom.api.prompt.v1.ArmData arm = r.getArms(i);
      String path = "arms[" + i + "]";
      ArmRole role =
          switch (arm.getRole()) {
            case ARM_ROLE_CONTROL -> ArmRole.CONTROL;
            case ARM_ROLE_TREATMENT -> ArmRole.TREATMENT;
            case ARM_ROLE_HOLDOUT -> ArmRole.HOLDOUT;
            case ARM_ROLE_UNSPECIFIED, UNRECOGNIZED -> null;
          };
      v.check(role != null, path + ".role", "CONTROL, TREATMENT or HOLDOUT");
      v.check(arm.hasTotals(), path + ".totals", "required");
      Map<String, Aggregates> bySurface = new HashMap<>();
      for (int j = 0; j < arm.getBySurfaceCount(); j++) {
        SurfaceAggregates slice = arm.getBySurface(j);
        String field = path + ".by_surface[" + j + "]";
        Surface surface = surface(slice.getSurface());
        v.check(surface != null, field + ".surface", "a known surface");
        v.check(
            surface == null
                || bySurface.put(surface.name(), aggregates(slice.getAggregates())) == null,
            field + ".surface",
            "each surface at most once");
      }
      arms.add(
          new ArmData(
              arm.getArmKey(),
              role == null ? ArmRole.TREATMENT : role,
              arm.getIntendedWeight(),
              aggregates(arm.getTotals()),
              bySurface));
    }
    v.throwIfInvalid();
    return new ExperimentData(arms, options(r.getOptions()));
  }

  public static dev.headroom.api.prompt.v1.ExperimentResults toProto(
      ExperimentReports.Report report) {
    dev.headroom.api.prompt.v1.ExperimentResults.Builder b =
        dev.headroom.api.prompt.v1.ExperimentResults.newBuilder()
            .setExperimentId(report.experimentId())
            .setComputedAt(Timestamps.fromMillis(report.computedAt().toEpochMilli()))
            .setCurrencyCode(report.currencyCode())
            .setOverall(analysis(report.results().overall()));
    for (SurfaceResults s : report.results().bySurface()) {
      b.addBySurfaceBuilder()
          .setSurface(
              dev.headroom.api.prompt.v1.Surface.valueOf(
                  "SURFACE_" + Surface.valueOf(s.surface()).name()))
          .setResults(analysis(s.results()));
    }
    return b.build();
  }

  private static Surface surface(dev.headroom.api.prompt.v1.Surface s) {
    return switch (s) {
      case SURFACE_FEATURE_USE -> Surface.FEATURE_USE;
      case SURFACE_HOME -> Surface.HOME;
      case SURFACE_BILLING -> Surface.BILLING;
      case SURFACE_UNSPECIFIED, UNRECOGNIZED -> null;
    };
  }

  private static Aggregates aggregates(dev.headroom.api.prompt.v1.UnitAggregates p) {
    return new Aggregates(
        p.getUnits(),
        p.getConversions(),
        p.getRevenueSum(),
        p.getRevenueSumOfSquares(),
        p.getDismissals());
  }

  private static dev.headroom.api.prompt.v1.AnalysisResults analysis(AnalysisResults results) {
    dev.headroom.api.prompt.v1.AnalysisResults.Builder b =
        dev.headroom.api.prompt.v1.AnalysisResults.newBuilder().setSrm(srm(results.srm()));
    results.arms().forEach(arm -> b.addArms(summary(arm)));
    results.comparisons().forEach(c -> b.addComparisons(comparison(c)));
    return b.build();
  }

  private static dev.headroom.api.prompt.v1.ArmSummary summary(ArmSummary arm) {
    dev.headroom.api.prompt.v1.ArmSummary.Builder b =
        dev.headroom.api.prompt.v1.ArmSummary.newBuilder()
            .setArmKey(arm.armKey())
            .setRole(role(arm.role()))
            .setUnits(arm.units())
            .setConversions(arm.conversions());
    arm.conversionRate().ifPresent(b::setConversionRate);
    arm.revenuePerUnit().ifPresent(b::setRevenuePerUnit);
    arm.dismissRate().ifPresent(b::setDismissRate);
    return b.build();
  }

  private static dev.headroom.api.prompt.v1.ArmRole role(ArmRole role) {
    return switch (role) {
      case CONTROL -> dev.headroom.api.prompt.v1.ArmRole.ARM_ROLE_CONTROL;
      case TREATMENT -> dev.headroom.api.prompt.v1.ArmRole.ARM_ROLE_TREATMENT;
      case HOLDOUT -> dev.headroom.api.prompt.v1.ArmRole.ARM_ROLE_HOLDOUT;
    };
  }

  private static dev.headroom.api.prompt.v1.SrmCheck srm(SrmCheck srm) {
    return dev.headroom.api.prompt.v1.SrmCheck.newBuilder()
        .setChiSquare(srm.chiSquare())
        .setDegreesOfFreedom(srm.degreesOfFreedom())
        .setPValue(srm.pValue())
        .setMismatch(srm.mismatch())
        .build();
  }

  private static dev.headroom.api.prompt.v1.ArmComparison comparison(ArmComparison c) {
    return dev.headroom.api.prompt.v1.ArmComparison.newBuilder()
        .setArmKey(c.armKey())
        .setMinimumDataWarning(c.minimumDataWarning())
        .setConversion(metric(c.conversion()))
        .setRevenuePerUnit(metric(c.revenuePerUnit()))
        .setGuardrail(
            dev.headroom.api.prompt.v1.Guardrail.newBuilder()
                .setDismissRate(metric(c.guardrail().dismissRate()))
                .setWorseThanControl(c.guardrail().worseThanControl()))
        .build();
  }

  private static dev.headroom.api.prompt.v1.MetricComparison metric(MetricComparison m) {
    dev.headroom.api.prompt.v1.MetricComparison.Builder b =
        dev.headroom.api.prompt.v1.MetricComparison.newBuilder();
    switch (m) {
      case MetricComparison.Compared c ->
          b.setCompared(
              dev.headroom.api.prompt.v1.MetricComparison.Compared.newBuilder()
                  .setControlMean(c.controlMean())
                  .setTreatmentMean(c.treatmentMean())
                  .setDegreesOfFreedom(c.degreesOfFreedom())
                  .setRelative(lift(c.relative()))
                  .setAbsolute(lift(c.absolute())));
      case MetricComparison.CannotCompareYet no ->
          b.setCannotCompareYet(
              switch (no.reason()) {
                case NO_UNITS ->
                    dev.headroom.api.prompt.v1.CannotCompareReason.CANNOT_COMPARE_REASON_NO_UNITS;
                case ZERO_BASELINE ->
                    dev.headroom.api.prompt.v1.CannotCompareReason
                        .CANNOT_COMPARE_REASON_ZERO_BASELINE;
                case ZERO_VARIANCE ->
                    dev.headroom.api.prompt.v1.CannotCompareReason
                        .CANNOT_COMPARE_REASON_ZERO_VARIANCE;
              });
    }
    return b.build();
  }

  private static dev.headroom.api.prompt.v1.Lift lift(Lift lift) {
    dev.headroom.api.prompt.v1.Lift.Builder b =
        dev.headroom.api.prompt.v1.Lift.newBuilder()
            .setEstimate(lift.estimate())
            .setStandardError(lift.standardError())
            .setFixedHorizon(inference(lift.fixedHorizon()))
            .setBayesian(bayesian(lift.bayesian()));
    lift.sequential().ifPresent(s -> b.setSequential(inference(s)));
    return b.build();
  }

  private static dev.headroom.api.prompt.v1.Inference inference(Inference inference) {
    dev.headroom.api.prompt.v1.Inference.Builder b =
        dev.headroom.api.prompt.v1.Inference.newBuilder()
            .setInterval(interval(inference.interval()))
            .setPValue(inference.pValue());
    inference.adjusted().ifPresent(a -> b.setAdjusted(adjusted(a)));
    return b.build();
  }

  private static dev.headroom.api.prompt.v1.AdjustedPValues adjusted(AdjustedPValues a) {
    return dev.headroom.api.prompt.v1.AdjustedPValues.newBuilder()
        .setHolm(a.holm())
        .setBenjaminiHochberg(a.benjaminiHochberg())
        .build();
  }

  private static dev.headroom.api.prompt.v1.BayesianResult bayesian(BayesianResult r) {
    return dev.headroom.api.prompt.v1.BayesianResult.newBuilder()
        .setChanceToBeatControl(r.chanceToBeatControl())
        .setCredibleInterval(interval(r.credibleInterval()))
        .setExpectedLoss(r.expectedLoss())
        .setControlExpectedLoss(r.controlExpectedLoss())
        .build();
  }

  private static dev.headroom.api.prompt.v1.Interval interval(Interval i) {
    return dev.headroom.api.prompt.v1.Interval.newBuilder()
        .setLower(i.lower())
        .setUpper(i.upper())
        .build();
  }
}
