package dev.headroom.scoring.domain.measures;

import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.SignalType;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One row's slice of a measure. Rows come out in {@link #ORDER}: everything first, then by signal
 * type, score bucket, plan, band and motion, each in its natural order with "unknown" last.
 */
public sealed interface Segment {

  Comparator<Segment> ORDER =
      (a, b) -> {
        int byKind = Integer.compare(rank(a), rank(b));
        return byKind != 0 ? byKind : compareSameKind(a, b);
      };

  /** The whole measure. */
  record All() implements Segment {}

  record BySignalType(SignalType type) implements Segment {
    public BySignalType {
      Objects.requireNonNull(type, "type");
    }
  }

  /** Integer scores {@code min..max}, both inclusive. */
  record ByScore(int min, int max) implements Segment {}

  /**
   * @param planKey the core plan; empty without a core subscription
   */
  record ByPlan(String planKey) implements Segment {
    public ByPlan {
      Objects.requireNonNull(planKey, "planKey");
    }
  }

  /**
   * @param band empty when there was no score
   */
  record ByBand(Optional<ReadinessBand> band) implements Segment {
    public ByBand {
      Objects.requireNonNull(band, "band");
    }
  }

  /**
   * @param motion empty when there was no score
   */
  record ByMotion(Optional<RecommendedMotion> motion) implements Segment {
    public ByMotion {
      Objects.requireNonNull(motion, "motion");
    }
  }

  private static int rank(Segment s) {
    return switch (s) {
      case All a -> 0;
      case BySignalType t -> 1;
      case ByScore b -> 2;
      case ByPlan p -> 3;
      case ByBand b -> 4;
      case ByMotion m -> 5;
    };
  }

  /** Orders two segments of the same kind. */
  private static int compareSameKind(Segment a, Segment b) {
    return switch (a) {
      case All x -> 0;
      case BySignalType t -> t.type().compareTo(((BySignalType) b).type());
      case ByScore bucket -> Integer.compare(bucket.min(), ((ByScore) b).min());
      case ByPlan p ->
          Comparator.comparing(String::isEmpty)
              .thenComparing(Comparator.naturalOrder())
              .compare(p.planKey(), ((ByPlan) b).planKey());
      case ByBand band ->
          Segment.<ReadinessBand>unknownLast().compare(band.band(), ((ByBand) b).band());
      case ByMotion m ->
          Segment.<RecommendedMotion>unknownLast().compare(m.motion(), ((ByMotion) b).motion());
    };
  }

  private static <E extends Comparable<E>> Comparator<Optional<E>> unknownLast() {
    return Comparator.comparing(
        (Optional<E> o) -> o.orElse(null), Comparator.nullsLast(Comparator.naturalOrder()));
  }
}
