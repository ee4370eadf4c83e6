package dev.headroom.scoring.domain.measures;

import dev.headroom.scoring.domain.Money;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The measures the business reads over one period (docs/scoring.md "Business measures").
 *
 * @param expansionRevenue one row per currency known by the period end, by currency code
 * @param retention net revenue retention per segment and currency, in {@link Segment#ORDER}
 * @param conversion the {@link Segment.All} row first, then the segments signals fell in
 */
public record BusinessMeasures(
    MeasuresPeriod period,
    Duration conversionWindow,
    List<ExpansionRevenue> expansionRevenue,
    List<Retention> retention,
    List<Conversion> conversion,
    TimeToExpansion timeToExpansion) {

  public BusinessMeasures {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(conversionWindow, "conversionWindow");
    Objects.requireNonNull(timeToExpansion, "timeToExpansion");
    expansionRevenue = List.copyOf(expansionRevenue);
    retention = List.copyOf(retention);
    conversion = List.copyOf(conversion);
  }

  /** ARR movements of one currency; every amount is a positive sum. */
  public record ExpansionRevenue(
      String currency,
      Money upgrades,
      Money crossSells,
      Money downgrades,
      Money churn,
      long upgradeCount,
      long crossSellCount,
      long downgradeCount,
      long churnCount) {

    /** upgrades + cross-sells − downgrades − churn. */
    public Money netExpansion() {
      return upgrades.plus(crossSells).minus(downgrades).minus(churn);
    }
  }

  /** The accounts of one segment that paid at the period start, in one currency. */
  public record Retention(
      Segment segment,
      String currency,
      long accounts,
      Money startingArr,
      Money expansion,
      Money contraction,
      Money churn) {

    public Retention {
      if (startingArr.minorUnits() <= 0) {
        throw new IllegalArgumentException("a retention segment starts with ARR above zero");
      }
    }

    /** starting ARR + expansion − contraction − churn: the segment's ARR at the period end. */
    public Money endingArr() {
      return startingArr.plus(expansion).minus(contraction).minus(churn);
    }

    /** ending ARR / starting ARR (1.0 = 100 %). */
    public double netRevenueRetention() {
      return (double) endingArr().minorUnits() / startingArr.minorUnits();
    }
  }

  /** Signals of one segment that fired in the period, and how many converted. */
  public record Conversion(Segment segment, long signals, long converted) {

    /** converted / signals; 0 when no signal fired. */
    public double rate() {
      return signals == 0 ? 0 : (double) converted / signals;
    }
  }

  /**
   * @param expansions won expansions in the period with a signal before them
   * @param expansionsWithoutSignal won expansions in the period with none
   * @param medianDays median days from the first signal to the expansion; 0 without expansions
   */
  public record TimeToExpansion(long expansions, long expansionsWithoutSignal, double medianDays) {}
}
