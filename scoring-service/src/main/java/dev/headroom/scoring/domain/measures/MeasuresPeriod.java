package dev.headroom.scoring.domain.measures;

import dev.headroom.kit.error.DomainException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The period a measure covers: {@code [from, to)}, so consecutive periods neither overlap nor leave
 * a gap.
 */
public record MeasuresPeriod(Instant from, Instant to) {
  public MeasuresPeriod {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to: " + from + ", " + to);
    }
  }

  /**
   * The period a client asked for, or INVALID_ARGUMENT: {@code from} must be before {@code to}
   * (field {@code from}), and the period at most {@code maxLength} long (field {@code to}), which
   * bounds the history one request reads.
   */
  public static MeasuresPeriod requested(Instant from, Instant to, Duration maxLength) {
    if (!from.isBefore(to)) {
      throw DomainException.InvalidArgument.of("from", "must be before to");
    }
    if (Duration.between(from, to).compareTo(maxLength) > 0) {
      throw DomainException.InvalidArgument.of(
          "to", "the period must be at most " + maxLength.toDays() + " days long");
    }
    return new MeasuresPeriod(from, to);
  }

  public boolean contains(Instant t) {
    return !t.isBefore(from) && t.isBefore(to);
  }
}
