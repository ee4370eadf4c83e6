package dev.headroom.signal.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A right-continuous integer step function of time: 0 before the first change, then the value set
 * at the latest change {@code <= t}. Its change instants are exactly the breakpoints of whatever it
 * measures.
 */
final class StepFunction {

  private final Instant[] times;
  private final int[] values;

  private StepFunction(Instant[] times, int[] values) {
    this.times = times;
    this.values = values;
  }

  int at(Instant t) {
    int i = Times.countAtOrBefore(times, t) - 1;
    return i < 0 ? 0 : values[i];
  }

  Instant[] changeTimes() {
    return times;
  }

  /**
   * Builds from (instant, value-after) pairs in ascending instant order; later pairs at one instant
   * win.
   */
  static StepFunction ofSamples(List<Instant> sampleTimes, List<Integer> sampleValues) {
    List<Instant> ts = new ArrayList<>();
    List<Integer> vs = new ArrayList<>();
    for (int i = 0; i < sampleTimes.size(); i++) {
      Instant t = sampleTimes.get(i);
      int v = sampleValues.get(i);
      if (!ts.isEmpty() && ts.getLast().equals(t)) {
        vs.set(vs.size() - 1, v);
      } else {
        ts.add(t);
        vs.add(v);
      }
    }
    return compact(ts, vs);
  }

  /** Builds from +/- deltas (any order): the value at t is the sum of deltas at instants <= t. */
  static StepFunction ofDeltas(Map<Instant, Integer> deltas) {
    TreeMap<Instant, Integer> sorted = new TreeMap<>(deltas);
    List<Instant> ts = new ArrayList<>();
    List<Integer> vs = new ArrayList<>();
    int running = 0;
    for (Map.Entry<Instant, Integer> e : sorted.entrySet()) {
      running += e.getValue();
      ts.add(e.getKey());
      vs.add(running);
    }
    return compact(ts, vs);
  }

  /** Drops samples that do not change the value, so change instants are real changes. */
  private static StepFunction compact(List<Instant> ts, List<Integer> vs) {
    List<Instant> outT = new ArrayList<>();
    List<Integer> outV = new ArrayList<>();
    int previous = 0;
    for (int i = 0; i < ts.size(); i++) {
      if (vs.get(i) != previous) {
        outT.add(ts.get(i));
        outV.add(vs.get(i));
        previous = vs.get(i);
      }
    }
    int[] values = new int[outV.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = outV.get(i);
    }
    return new StepFunction(outT.toArray(Times.NONE), values);
  }
}
