package dev.headroom.scoring.domain.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  private static final double EPS = 1e-4;

  @Test
  void wilsonIntervalKnownValues() {
    Statistics.Interval half = Statistics.wilson95(5, 10);
    assertEquals(0.2366, half.low(), EPS);
    assertEquals(0.7634, half.high(), EPS);

    Statistics.Interval none = Statistics.wilson95(0, 10);
    assertEquals(0.0, none.low(), 1e-12);
    assertEquals(0.2775, none.high(), EPS);

    Statistics.Interval all = Statistics.wilson95(10, 10);
    assertEquals(0.7225, all.low(), EPS);
    assertEquals(1.0, all.high(), 1e-12);

    Statistics.Interval large = Statistics.wilson95(81, 263);
    assertEquals(0.2553, large.low(), EPS);
    assertEquals(0.3662, large.high(), EPS);

    assertEquals(new Statistics.Interval(0, 1), Statistics.wilson95(0, 0));
  }

  @Test
  void median() {
    assertEquals(0.0, Statistics.median(List.of()));
    assertEquals(20.0, Statistics.median(List.of(40.0, 10.0, 20.0)));
    assertEquals(15.0, Statistics.median(List.of(40.0, 10.0, 20.0, 5.0)));
  }

  @Test
  void aucByRanksWithTies() {
    boolean[] labels = {false, false, true, true};
    assertEquals(1.0, Statistics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, labels));
    assertEquals(0.0, Statistics.auc(new double[] {0.9, 0.8, 0.2, 0.1}, labels));
    assertEquals(0.5, Statistics.auc(new double[] {0.5, 0.5, 0.5, 0.5}, labels));
    // pairs (pos, neg): (0.8 vs 0.1) win, (0.8 vs 0.8) tie, (0.9 vs 0.1) win, (0.9 vs 0.8) win →
    // 3.5 / 4
    assertEquals(0.875, Statistics.auc(new double[] {0.1, 0.8, 0.8, 0.9}, labels));
    assertThrows(
        IllegalArgumentException.class,
        () -> Statistics.auc(new double[] {0.1, 0.2}, new boolean[] {true, true}));
  }

  @Test
  void logLoss() {
    assertEquals(
        Math.log(2),
        Statistics.logLoss(new double[] {0.5, 0.5}, new boolean[] {true, false}),
        1e-12);
    assertEquals(
        -Math.log(0.8),
        Statistics.logLoss(new double[] {0.8, 0.2}, new boolean[] {true, false}),
        1e-12);
    // a confident miss is costly but finite
    assertEquals(
        -Math.log(1e-15) / 2,
        Statistics.logLoss(new double[] {0.0, 0.0}, new boolean[] {true, false}),
        1e-9);
  }
}
