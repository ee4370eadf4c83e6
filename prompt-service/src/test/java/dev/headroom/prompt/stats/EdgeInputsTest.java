package dev.headroom.prompt.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Whatever the counts, every number in the results is finite: undefined is a named state. */
class EdgeInputsTest {
  private static final long[] UNITS = {0, 1, 2, 3, 10, 10_000_000};

  @Test
  void noNaNOrInfinityForAnyCombinationOfEdgeCounts() throws ReflectiveOperationException {
    List<Aggregates> edges = new ArrayList<>();
    for (long units : UNITS) {
      for (long conversions : new long[] {0, 1, units - 1, units}) {
        if (conversions >= 0 && conversions <= units) {
          double revenue = 10.0 * conversions;
          edges.add(new Aggregates(units, conversions, revenue, 100.0 * conversions, conversions));
        }
      }
    }
    AnalysisOptions options = AnalysisOptions.DEFAULTS.withSequential(5_000);
    for (Aggregates control : edges) {
      for (Aggregates treatment : edges) {
        ExperimentResults results =
            ExperimentAnalyzer.analyze(
                new ExperimentData(
                    List.of(Arms.control(control), Arms.treatment("B", treatment)), options));
        assertFinite(results, control + " vs " + treatment);
      }
    }
  }

  private static void assertFinite(Object value, String where) throws ReflectiveOperationException {
    switch (value) {
      case Double d -> assertTrue(Double.isFinite(d), () -> where + ": " + d);
      case OptionalDouble o -> {
        if (o.isPresent()) {
          assertFinite(o.getAsDouble(), where);
        }
      }
      case Optional<?> o -> {
        if (o.isPresent()) {
          assertFinite(o.get(), where);
        }
      }
      case Collection<?> c -> {
        for (Object element : c) {
          assertFinite(element, where);
        }
      }
      case Map<?, ?> m -> {
        for (Object element : m.values()) {
          assertFinite(element, where);
        }
      }
      case Record r -> {
        for (RecordComponent component : r.getClass().getRecordComponents()) {
          try {
            assertFinite(component.getAccessor().invoke(r), where + "." + component.getName());
          } catch (InvocationTargetException e) {
            throw new AssertionError(e.getCause());
          }
        }
      }
      default -> {}
    }
  }
}
