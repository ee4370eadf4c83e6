package dev.headroom.scoring.domain.learning;

import dev.headroom.kit.error.DomainException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which fired signals to report on and how.
 *
 * @param since signals that fired at or after this (inclusive); empty for all time
 * @param until signals that fired before this (exclusive); empty for up to now
 * @param conversionWindow a won expansion at most this long after the signal's {@code since}
 *     converts it
 */
public record PerformanceQuery(
    Optional<Instant> since,
    Optional<Instant> until,
    Duration conversionWindow,
    PerformanceGrouping grouping) {
  public static final Duration DEFAULT_CONVERSION_WINDOW = Duration.ofDays(90);

  public PerformanceQuery {
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(conversionWindow, "conversionWindow");
    Objects.requireNonNull(grouping, "grouping");
    DomainException.Violations violations = new DomainException.Violations();
    violations.check(conversionWindow.isPositive(), "conversion_window", "must be positive");
    violations.check(
        since.isEmpty() || until.isEmpty() || !since.get().isAfter(until.get()),
        "since",
        "must not be after until");
    violations.throwIfAny();
  }

  public static PerformanceQuery allTime(PerformanceGrouping grouping) {
    return new PerformanceQuery(
        Optional.empty(), Optional.empty(), DEFAULT_CONVERSION_WINDOW, grouping);
  }

  public boolean includes(Instant firedAt) {
    return since.map(s -> !firedAt.isBefore(s)).orElse(true)
        && until.map(firedAt::isBefore).orElse(true);
  }
}
