package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import dev.headroom.signal.domain.SignalType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * MULTI_SIGNAL: among base signals holding at T (ACTIVE or SUPPRESSED; PENDING ones do not hold
 * yet), two whose since are at most `window` apart. since = the smallest "later since" over such
 * pairs — after sorting by since the closest earlier partner of any signal is its predecessor, so
 * one pass finds it. Constituents are every holding base signal that is part of some qualifying
 * pair.
 */
final class MultiSignalComposer {

  private MultiSignalComposer() {}

  static Optional<SignalState> compose(List<SignalState> base, SignalRule rule, boolean activated) {
    Duration window = rule.window("window");
    List<SignalState> holding =
        base.stream()
            .filter(s -> s.status() != Status.PENDING && !s.type().isComposite())
            .sorted(Comparator.comparing(SignalState::since).thenComparing(SignalState::type))
            .toList();
    Instant since = null;
    Set<SignalType> members = new LinkedHashSet<>();
    for (int i = 1; i < holding.size(); i++) {
      SignalState earlier = holding.get(i - 1);
      SignalState later = holding.get(i);
      if (Duration.between(earlier.since(), later.since()).compareTo(window) <= 0) {
        if (since == null) {
          since = later.since();
        }
        members.add(earlier.type());
        members.add(later.type());
      }
    }
    if (since == null) {
      return Optional.empty();
    }
    List<SignalType> constituents =
        holding.stream().map(SignalState::type).filter(members::contains).toList();
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        new Evidence(
            "signals_within_window",
            BigDecimal.valueOf(constituents.size()),
            BigDecimal.valueOf(2),
            constituents.size()
                + " signals became active within "
                + Condition.days(window)
                + " of each other: "
                + String.join(", ", constituents.stream().map(Enum::name).toList())));
    return Optional.of(
        new SignalState(
            SignalType.MULTI_SIGNAL,
            activated ? Status.ACTIVE : Status.SUPPRESSED,
            since,
            null,
            evidence,
            constituents));
  }
}
