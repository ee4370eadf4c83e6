package dev.headroom.prompt.events;

import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.db.AggregateDao;
import dev.headroom.prompt.experiment.Assignment;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Variant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * An experiment's per-arm aggregates: every arm of the design (an arm nobody reached yet has zero
 * units), then the per-surface rows.
 */
public final class ExperimentAggregates {
  /** The aggregates as of {@code computedAt}. */
  public record Result(
      Experiment experiment, Instant computedAt, List<ArmAggregate> arms, String currencyCode) {}

  private final Jdbi jdbi;

  public ExperimentAggregates(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public Result compute(Experiment e, Instant now) {
    List<AggregateDao.ArmRow> rows =
        jdbi.withExtension(
            AggregateDao.class,
            dao ->
                dao.arms(
                    e.experimentId(),
                    e.unit() == Experiment.Unit.USER,
                    e.attributionWindow().toMillis() / 1000.0));
    double treated = (Assignment.BUCKETS - e.holdoutBasisPoints()) / (double) Assignment.BUCKETS;
    long totalWeight = e.variants().stream().mapToLong(Variant::weight).sum();
    List<ArmAggregate> totals = new ArrayList<>();
    List<ArmAggregate> bySurface = new ArrayList<>();
    String currency = "";
    List<ArmDesign> design = new ArrayList<>();
    for (Variant v : e.variants()) {
      design.add(
          new ArmDesign(v.variantKey(), v.control(), false, treated * v.weight() / totalWeight));
    }
    if (e.holdoutBasisPoints() > 0) {
      design.add(
          new ArmDesign("", false, true, e.holdoutBasisPoints() / (double) Assignment.BUCKETS));
    }
    for (ArmDesign arm : design) {
      long units = 0;
      long converted = 0;
      long revenue = 0;
      double squares = 0;
      long dismissed = 0;
      for (AggregateDao.ArmRow r : rows) {
        if (r.holdout() != arm.holdout() || (!arm.holdout() && !r.variantKey().equals(arm.key()))) {
          continue;
        }
        units += r.units();
        converted += r.convertedUnits();
        revenue += r.revenueSum();
        squares += r.revenueSumOfSquares();
        dismissed += r.dismissedUnits();
        if (!r.currencyCode().isEmpty()) {
          currency = r.currencyCode();
        }
        bySurface.add(
            new ArmAggregate(
                arm.key(),
                arm.control(),
                arm.holdout(),
                Optional.of(Surface.valueOf(r.surface())),
                arm.weight(),
                r.units(),
                r.convertedUnits(),
                r.revenueSum(),
                r.revenueSumOfSquares(),
                r.dismissedUnits()));
      }
      totals.add(
          new ArmAggregate(
              arm.key(),
              arm.control(),
              arm.holdout(),
              Optional.empty(),
              arm.weight(),
              units,
              converted,
              revenue,
              squares,
              dismissed));
    }
    totals.addAll(bySurface);
    return new Result(e, now, totals, currency);
  }

  private record ArmDesign(String key, boolean control, boolean holdout, double weight) {}
}
