package dev.headroom.scoring.mapping;

import com.google.protobuf.Duration;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.scoring.v1.ExpansionRevenue;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresResponse;
import dev.headroom.api.scoring.v1.MeasureDimension;
import dev.headroom.api.scoring.v1.RetentionSegment;
import dev.headroom.api.scoring.v1.SignalConversion;
import dev.headroom.api.scoring.v1.TimeToExpansion;
import dev.headroom.scoring.domain.measures.BusinessMeasures;
import dev.headroom.scoring.domain.measures.Segment;
import java.util.Optional;

/**
 * The business measures as GetBusinessMeasuresResponse, for the gRPC adapter and the HTTP route.
 */
public final class MeasuresProtos {
  private MeasuresProtos() {}

  public static GetBusinessMeasuresResponse response(BusinessMeasures m) {
    GetBusinessMeasuresResponse.Builder b =
        GetBusinessMeasuresResponse.newBuilder()
            .setFrom(ScoreProtos.ts(m.period().from()))
            .setTo(ScoreProtos.ts(m.period().to()))
            .setConversionWindow(
                Duration.newBuilder()
                    .setSeconds(m.conversionWindow().toSeconds())
                    .setNanos(m.conversionWindow().toNanosPart()))
            .setTimeToExpansion(
                TimeToExpansion.newBuilder()
                    .setExpansions(m.timeToExpansion().expansions())
                    .setExpansionsWithoutSignal(m.timeToExpansion().expansionsWithoutSignal())
                    .setMedianDays(m.timeToExpansion().medianDays()));
    for (BusinessMeasures.ExpansionRevenue r : m.expansionRevenue()) {
      b.addExpansionRevenue(
          ExpansionRevenue.newBuilder()
              .setCurrencyCode(r.currency())
              .setUpgrades(ScoreProtos.money(r.upgrades()))
              .setCrossSells(ScoreProtos.money(r.crossSells()))
              .setDowngrades(ScoreProtos.money(r.downgrades()))
              .setChurn(ScoreProtos.money(r.churn()))
              .setNetExpansion(ScoreProtos.money(r.netExpansion()))
              .setUpgradeCount(r.upgradeCount())
              .setCrossSellCount(r.crossSellCount())
              .setDowngradeCount(r.downgradeCount())
              .setChurnCount(r.churnCount()));
    }
    for (BusinessMeasures.Retention r : m.retention()) {
      RetentionSegment.Builder row =
          RetentionSegment.newBuilder()
              .setCurrencyCode(r.currency())
              .setAccounts(r.accounts())
              .setStartingArr(ScoreProtos.money(r.startingArr()))
              .setExpansion(ScoreProtos.money(r.expansion()))
              .setContraction(ScoreProtos.money(r.contraction()))
              .setChurn(ScoreProtos.money(r.churn()))
              .setEndingArr(ScoreProtos.money(r.endingArr()))
              .setNetRevenueRetention(r.netRevenueRetention());
      Segment segment = r.segment();
      row.setDimension(dimension(segment));
      if (segment instanceof Segment.ByPlan p) {
        row.setPlanKey(p.planKey());
      }
      band(segment).ifPresent(row::setBand);
      motion(segment).ifPresent(row::setMotion);
      b.addNetRevenueRetention(row);
    }
    for (BusinessMeasures.Conversion c : m.conversion()) {
      SignalConversion.Builder row =
          SignalConversion.newBuilder()
              .setSignals(c.signals())
              .setConverted(c.converted())
              .setConversionRate(c.rate());
      Segment segment = c.segment();
      row.setDimension(dimension(segment));
      if (segment instanceof Segment.BySignalType t) {
        row.setSignalType(ScoreProtos.signalType(t.type()));
      }
      if (segment instanceof Segment.ByScore bucket) {
        row.setScoreMin(bucket.min()).setScoreMax(bucket.max());
      }
      band(segment).ifPresent(row::setBand);
      motion(segment).ifPresent(row::setMotion);
      b.addConversion(row);
    }
    return b.build();
  }

  private static MeasureDimension dimension(Segment segment) {
    return switch (segment) {
      case Segment.All a -> MeasureDimension.MEASURE_DIMENSION_ALL;
      case Segment.BySignalType t -> MeasureDimension.MEASURE_DIMENSION_SIGNAL_TYPE;
      case Segment.ByScore b -> MeasureDimension.MEASURE_DIMENSION_SCORE_BUCKET;
      case Segment.ByPlan p -> MeasureDimension.MEASURE_DIMENSION_PLAN;
      case Segment.ByBand b -> MeasureDimension.MEASURE_DIMENSION_BAND;
      case Segment.ByMotion m -> MeasureDimension.MEASURE_DIMENSION_MOTION;
    };
  }

  /** The band of a band segment; none for another segment or "no score". */
  private static Optional<ReadinessBand> band(Segment segment) {
    return segment instanceof Segment.ByBand b ? b.band().map(ScoreProtos::band) : Optional.empty();
  }

  /** The motion of a motion segment; none for another segment or "no score". */
  private static Optional<RecommendedMotion> motion(Segment segment) {
    return segment instanceof Segment.ByMotion m
        ? m.motion().map(ScoreProtos::motion)
        : Optional.empty();
  }
}
