package dev.headroom.scoring.domain.learning;

import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.SignalType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A signal that became active on an account, with the band and motion of the account's score at
 * that moment.
 *
 * @param since when it became active: the start of its conversion window
 * @param score the integer score it produced; empty when that was not recorded
 * @param band empty when the account had no score yet when the signal fired
 * @param motion empty when the account had no score yet when the signal fired
 */
public record FiredSignal(
    String accountId,
    SignalType type,
    Instant since,
    OptionalInt score,
    Optional<ReadinessBand> band,
    Optional<RecommendedMotion> motion) {
  public FiredSignal {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(score, "score");
    Objects.requireNonNull(band, "band");
    Objects.requireNonNull(motion, "motion");
  }
}
